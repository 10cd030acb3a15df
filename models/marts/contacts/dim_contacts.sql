{{ config(merge_clauses=tombstone_merge_clauses('stitched_customers')) }}
{#- an incremental run reads this base table and the funnel and attribution rows this run
    writes: refs declared while parsing only -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__contacts') }}
-- depends_on: {{ ref('int_message_funnel_this_run') }}
-- depends_on: {{ ref('int_order_attribution_this_run') }}
{%- endif %}
{%- set contact_key = ['workspace_id', 'contact_id'] -%}

with

customer_stitches as (
    select * from {{ ref('int_contacts_stitched_to_customers') }}
),

order_stitches as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

-- the one definition of a contact's local signup date and month
signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

customers_per_contact as (
    select
        workspace_id,
        contact_id,
        count(distinct shop_customer_id) as stitched_customers
    from customer_stitches
    group by
        workspace_id,
        contact_id
),

orders_stitched_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as stitched_orders
    from order_stitches
    group by
        workspace_id,
        contact_id
),

{% if is_incremental() -%}
-- stitch counts, signup dates and e-mail hashes are small next to the funnel: compared in
-- full with the stored rows (docs/DECISIONS.md)
stitch_counts as (
    select
        coalesce(customers_per_contact.workspace_id, orders_stitched_per_contact.workspace_id) as workspace_id,
        coalesce(customers_per_contact.contact_id, orders_stitched_per_contact.contact_id) as contact_id,
        coalesce(customers_per_contact.stitched_customers, 0) as stitched_customers,
        coalesce(orders_stitched_per_contact.stitched_orders, 0) as stitched_orders
    from customers_per_contact
    full outer join orders_stitched_per_contact
        on
            customers_per_contact.workspace_id = orders_stitched_per_contact.workspace_id
            and customers_per_contact.contact_id = orders_stitched_per_contact.contact_id
),

-- the e-mail hash of every usable contact: a new var('pii_salt') changes them all
email_hashes as (
    select
        workspace_id,
        contact_id,
        {{ hash_email('email_normalized') }} as email_hashed
    from {{ ref('stg_raw__contacts') }}
),

signup_months as (
    select
        workspace_id,
        contact_id,
        signup_date,
        cohort_month as signup_month
    from signups
),

-- incremental run: the contacts whose row, stitching, signup, e-mail hash, messages or
-- credited orders changed since the last run (old and new versions of funnel and attribution rows)
affected_contacts as (
    {{ keys_loaded_since_watermark('base_raw__contacts', contact_key) }}
    union
    {{ groups_changed_this_run('fct_message_funnel', 'sent_at', contact_key) }}
    union
    {{ groups_changed_this_run('fct_order_attribution', 'created_at', contact_key) }}
    union
    {{ keys_differing_from_stored(
        'stitch_counts',
        'stitched_customers > 0 or stitched_orders > 0',
        contact_key,
        ['stitched_customers', 'stitched_orders']
    ) }}
    union
    {{ keys_differing_from_stored('signup_months', 'true', contact_key, ['signup_date', 'signup_month']) }}
    union
    {{ keys_differing_from_stored('email_hashes', 'true', contact_key, ['email_hashed']) }}
),

-- the masked phone of a contact whose row did not change since the last run is the stored
-- one: the mask is a Python UDF (about 1 s per 200k contacts at the benchmark's scale)
reloaded_contacts as (
    {{ keys_loaded_since_watermark('base_raw__contacts', contact_key) }}
),

stored_phones as (
    select
        stored.workspace_id,
        stored.contact_id,
        stored.phone_masked
    from {{ this }} as stored
    left join reloaded_contacts
        on
            stored.workspace_id = reloaded_contacts.workspace_id
            and stored.contact_id = reloaded_contacts.contact_id
    where reloaded_contacts.contact_id is null
),

{% endif -%}
contacts as (
    select * from {{ ref('stg_raw__contacts') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_contacts', 'stg_raw__contacts', contact_key) }}
    {%- endif %}
),

message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_contacts', 'fct_message_funnel', contact_key) }}
    {%- endif %}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_contacts', 'fct_order_attribution', contact_key) }}
    {%- endif %}
),

messages_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as lifetime_sends,
        count(case when is_clicked then 1 end) as lifetime_clicks,
        min(sent_at) as first_sent_at,
        max(sent_at) as last_sent_at
    from message_funnel
    group by
        workspace_id,
        contact_id
),

orders_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as attributed_orders,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        min(created_at) as first_attributed_order_at
    from order_attribution
    -- docs/attribution.md#contacts-and-pii: the orders whose credit names this contact
    where contact_id is not null
    group by
        workspace_id,
        contact_id
),

-- docs/attribution.md#contacts-and-pii: marts show a phone only masked
phones as (
    {%- if is_incremental() %}
    select
        stored_phones.workspace_id,
        stored_phones.contact_id,
        stored_phones.phone_masked
    from stored_phones
    inner join contacts
        on
            stored_phones.workspace_id = contacts.workspace_id
            and stored_phones.contact_id = contacts.contact_id
    union all
    {%- endif %}
    select
        contacts.workspace_id,
        contacts.contact_id,
        {{ mask_phone('contacts.phone_e164') }} as phone_masked
    from contacts
    {% if is_incremental() %}
    -- only the rows left: the UDF is called per batch of rows, however few are kept
    left join stored_phones
        on
            contacts.workspace_id = stored_phones.workspace_id
            and contacts.contact_id = stored_phones.contact_id
    where stored_phones.contact_id is null
    {%- endif %}
),

contacts_with_totals as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        -- docs/attribution.md#contacts-and-pii: marts show a phone only masked and an e-mail only hashed
        phones.phone_masked,
        {{ hash_email('contacts.email_normalized') }} as email_hashed,
        contacts.channel,
        contacts.country_code,
        contacts.signup_source,
        contacts.region,
        coalesce(customers_per_contact.stitched_customers, 0) as stitched_customers,
        coalesce(orders_stitched_per_contact.stitched_orders, 0) as stitched_orders,
        coalesce(messages_per_contact.lifetime_sends, 0) as lifetime_sends,
        coalesce(messages_per_contact.lifetime_clicks, 0) as lifetime_clicks,
        coalesce(orders_per_contact.attributed_orders, 0) as attributed_orders,
        cast(coalesce(orders_per_contact.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(orders_per_contact.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        -- docs/attribution.md#identity-stitching: stitched = joined to a shop customer (as stitching_summary counts)
        customers_per_contact.contact_id is not null as is_stitched,
        signups.signup_date,
        signups.cohort_month as signup_month,
        contacts.created_at,
        messages_per_contact.first_sent_at,
        messages_per_contact.last_sent_at,
        orders_per_contact.first_attributed_order_at
    from contacts
    inner join signups
        on
            contacts.workspace_id = signups.workspace_id
            and contacts.contact_id = signups.contact_id
    left join customers_per_contact
        on
            contacts.workspace_id = customers_per_contact.workspace_id
            and contacts.contact_id = customers_per_contact.contact_id
    left join orders_stitched_per_contact
        on
            contacts.workspace_id = orders_stitched_per_contact.workspace_id
            and contacts.contact_id = orders_stitched_per_contact.contact_id
    left join messages_per_contact
        on
            contacts.workspace_id = messages_per_contact.workspace_id
            and contacts.contact_id = messages_per_contact.contact_id
    left join orders_per_contact
        on
            contacts.workspace_id = orders_per_contact.workspace_id
            and contacts.contact_id = orders_per_contact.contact_id
    inner join phones
        on
            contacts.workspace_id = phones.workspace_id
            and contacts.contact_id = phones.contact_id
)

-- a contact no longer usable: a tombstone (stitched_customers null)
{{ select_with_tombstones('contacts_with_totals', 'affected_contacts', contact_key) }}
