{#- The order attribution rows fct_order_attribution writes this run
    (macros/incremental/this_run.sql): every order on a full build; on an incremental run
    the orders new data can change (docs/DECISIONS.md), with the values their stored rows had. -#}
{%- set stored = this_run_stored_rows() -%}
{%- set precedence = attribution_precedence() -%}
{#- the incremental branch reads these base tables: refs declared while parsing only,
    so that unit tests (a full build) need no inputs for them -#}
{%- if not execute %}
{%- for table_name in order_attribution_change_sources() %}
-- depends_on: {{ ref('base_raw__' ~ table_name) }}
{%- endfor %}
{%- endif %}

with

{% if stored is not none -%}
{{ order_attribution_affected_orders(incremental_watermark('fct_order_attribution')) }},

{% endif -%}
orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
    {%- if stored is not none %}
    -- incremental run: only the orders new data can change (docs/DECISIONS.md)
    where {{ in_affected_keys('affected_orders', 'stg_raw__shop_orders', ['workspace_id', 'order_id']) }}
    {%- endif %}
),

refunds as (
    select * from {{ ref('stg_raw__order_refunds') }}
),

order_settings as (
    select * from {{ ref('int_orders_matched_to_settings') }}
),

order_contacts as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

link_matches as (
    select * from {{ ref('int_orders_matched_to_shared_links') }}
),

touch_matches as (
    select * from {{ ref('int_orders_matched_to_last_touch') }}
    -- docs/attribution.md#last-touch: only a touch inside the order's window credits it
    where is_within_window
),

coupon_matches as (
    select * from {{ ref('int_orders_matched_to_coupons') }}
),

refunds_per_order as (
    select
        workspace_id,
        order_id,
        sum(refund_amount) as refund_amount
    from refunds
    group by workspace_id, order_id
),

stitched_orders as (
    select
        workspace_id,
        order_id,
        count(*) as stitched_contacts
    from order_contacts
    group by workspace_id, order_id
),

orders_with_matches as (
    select
        orders.workspace_id,
        orders.order_id,
        orders.shop_customer_id,
        orders.is_cancelled,
        orders.gross_revenue,
        coalesce(refunds_per_order.refund_amount, 0) as refund_amount,
        coalesce(stitched_orders.stitched_contacts, 0) as stitched_contacts,
        order_settings.window_days,
        order_settings.is_coupon_attribution_enabled,
        orders.order_date,
        orders.created_at,
        link_matches.order_id is not null as has_link_match,
        link_matches.link_id,
        link_matches.agent_id as link_agent_id,
        link_matches.contact_id as link_contact_id,
        link_matches.channel as link_channel,
        touch_matches.order_id is not null as has_last_touch_match,
        touch_matches.event_id as touch_event_id,
        touch_matches.event_type as touch_event_type,
        touch_matches.message_id as touch_message_id,
        touch_matches.contact_id as touch_contact_id,
        touch_matches.source_type as touch_source_type,
        touch_matches.campaign_id as touch_campaign_id,
        touch_matches.flow_id as touch_flow_id,
        touch_matches.channel as touch_channel,
        touch_matches.touch_at,
        coupon_matches.order_id is not null as has_coupon_match,
        coupon_matches.coupon_code,
        coupon_matches.source_type as coupon_source_type,
        coupon_matches.source_id as coupon_source_id,
        coupon_matches.contact_id as coupon_contact_id,
        coupon_matches.channel as coupon_channel
    from orders
    inner join order_settings
        on
            orders.workspace_id = order_settings.workspace_id
            and orders.order_id = order_settings.order_id
    left join refunds_per_order
        on
            orders.workspace_id = refunds_per_order.workspace_id
            and orders.order_id = refunds_per_order.order_id
    left join stitched_orders
        on
            orders.workspace_id = stitched_orders.workspace_id
            and orders.order_id = stitched_orders.order_id
    left join link_matches
        on
            orders.workspace_id = link_matches.workspace_id
            and orders.order_id = link_matches.order_id
    left join touch_matches
        on
            orders.workspace_id = touch_matches.workspace_id
            and orders.order_id = touch_matches.order_id
    left join coupon_matches
        on
            orders.workspace_id = coupon_matches.workspace_id
            and orders.order_id = coupon_matches.order_id
),

orders_with_method as (
    select
        *,
        -- docs/attribution.md#order-attribution-rules: the first rule that matches wins, in the order of
        -- var('attribution_precedence')
        {%- if precedence %}
        case
            {%- for rule in precedence %}
            when has_{{ rule }}_match then '{{ rule }}'
            {%- endfor %}
        end as attribution_method
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as attribution_method
        {%- endif %}
    from orders_with_matches
),

credited as (
    select
        workspace_id,
        order_id,
        shop_customer_id,
        attribution_method,
        case attribution_method
            when 'link' then 'helpdesk'
            when 'last_touch' then touch_source_type
            when 'coupon' then coupon_source_type
        end as source_type,
        case attribution_method
            when 'link' then link_agent_id
            when 'last_touch' then coalesce(touch_campaign_id, touch_flow_id)
            when 'coupon' then coupon_source_id
        end as source_id,
        case
            when attribution_method = 'last_touch' then touch_campaign_id
            when attribution_method = 'coupon' and coupon_source_type = 'campaign' then coupon_source_id
        end as campaign_id,
        case
            when attribution_method = 'last_touch' then touch_flow_id
            when attribution_method = 'coupon' and coupon_source_type = 'flow' then coupon_source_id
        end as flow_id,
        case when attribution_method = 'link' then link_agent_id end as agent_id,
        case
            when attribution_method = 'coupon' and coupon_source_type = 'popup' then coupon_source_id
        end as popup_id,
        case when attribution_method = 'link' then link_id end as shared_link_id,
        case attribution_method
            when 'link' then link_contact_id
            when 'last_touch' then touch_contact_id
            when 'coupon' then coupon_contact_id
        end as contact_id,
        case when attribution_method = 'last_touch' then touch_message_id end as message_id,
        case when attribution_method = 'last_touch' then touch_event_id end as touch_event_id,
        case when attribution_method = 'last_touch' then touch_event_type end as touch_event_type,
        case attribution_method
            when 'link' then link_channel
            when 'last_touch' then touch_channel
            when 'coupon' then coupon_channel
        end as channel,
        case when attribution_method = 'coupon' then coupon_code end as coupon_code,
        case
            when attribution_method is not null then null
            -- docs/attribution.md#unattributed: no contact stitched to the order, else no touch in its window
            when stitched_contacts = 0 then 'not_stitched'
            else 'no_touch_in_window'
        end as unattributed_reason,
        stitched_contacts,
        window_days,
        gross_revenue,
        -- docs/attribution.md#order-revenue: net = gross minus refunds, 0 when cancelled, never below 0
        cast(
            case
                when is_cancelled then 0
                when gross_revenue - refund_amount < 0 then 0
                else gross_revenue - refund_amount
            end
            as decimal(18, 2)
        ) as net_revenue,
        refund_amount,
        stitched_contacts > 0 as is_stitched,
        attribution_method is not null as is_attributed,
        is_cancelled,
        is_coupon_attribution_enabled,
        order_date,
        case when attribution_method = 'last_touch' then touch_at end as touch_at,
        created_at
    from orders_with_method
),

final as (
    select
        workspace_id,
        order_id,
        shop_customer_id,
        contact_id,
        source_id,
        campaign_id,
        flow_id,
        agent_id,
        popup_id,
        shared_link_id,
        message_id,
        touch_event_id,
        attribution_method,
        source_type,
        channel,
        touch_event_type,
        coupon_code,
        unattributed_reason,
        window_days,
        stitched_contacts,
        gross_revenue,
        net_revenue,
        refund_amount,
        is_stitched,
        is_attributed,
        is_cancelled,
        is_coupon_attribution_enabled,
        order_date,
        created_at,
        touch_at
    from credited
)
-- an affected order that is no longer usable (rejected, superseded away): a tombstone
-- (created_at null)
{{ select_this_run(
    'final', 'affected_orders', ['workspace_id', 'order_id'], model.config.meta.get('previous_columns', []), stored
) }}
