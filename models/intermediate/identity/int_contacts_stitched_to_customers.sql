with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

customers as (
    select * from {{ ref('stg_raw__shop_customers') }}
),

identity_links as (
    select * from {{ ref('stg_raw__identity_links') }}
),

stitched_by_identity_link as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        customers.shop_customer_id,
        'identity_link' as stitch_method,
        1 as stitch_method_rank
    from identity_links
    -- docs/attribution.md#identity-stitching: a link stitches only a contact and a customer of its own workspace
    inner join contacts
        on
            identity_links.workspace_id = contacts.workspace_id
            and identity_links.contact_id = contacts.contact_id
    inner join customers
        on
            identity_links.workspace_id = customers.workspace_id
            and identity_links.shop_customer_id = customers.shop_customer_id
),

stitched_by_email as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        customers.shop_customer_id,
        'email' as stitch_method,
        2 as stitch_method_rank
    from contacts
    -- docs/attribution.md#identity-stitching: equal e-mails after trim and lower-case; a null e-mail never matches
    inner join customers
        on
            contacts.workspace_id = customers.workspace_id
            and contacts.email_normalized = customers.email_normalized
    where contacts.email_normalized is not null
),

stitched_by_phone as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        customers.shop_customer_id,
        'phone' as stitch_method,
        3 as stitch_method_rank
    from contacts
    -- docs/attribution.md#identity-stitching: equal E.164 phones; a phone that does not parse is null and
    -- stitches nothing
    inner join customers
        on
            contacts.workspace_id = customers.workspace_id
            and contacts.phone_e164 = customers.phone_e164
    where contacts.phone_e164 is not null
),

all_stitches as (
    select * from stitched_by_identity_link
    union all
    select * from stitched_by_email
    union all
    select * from stitched_by_phone
),

stitches_per_pair as (
    select
        workspace_id,
        contact_id,
        shop_customer_id,
        min(stitch_method_rank) as stitch_method_rank,
        max(case when stitch_method = 'identity_link' then 1 else 0 end) = 1 as has_identity_link,
        max(case when stitch_method = 'email' then 1 else 0 end) = 1 as has_email_match,
        max(case when stitch_method = 'phone' then 1 else 0 end) = 1 as has_phone_match
    from all_stitches
    group by workspace_id, contact_id, shop_customer_id
),

final as (
    select
        workspace_id,
        contact_id,
        shop_customer_id,
        -- docs/attribution.md#identity-stitching: the first method that holds, in the order identity link,
        -- e-mail, phone
        case stitch_method_rank
            when 1 then 'identity_link'
            when 2 then 'email'
            when 3 then 'phone'
        end as stitch_method,
        has_identity_link,
        has_email_match,
        has_phone_match
    from stitches_per_pair
)

select * from final
