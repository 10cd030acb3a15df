with

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

affiliate_conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

shop_order_revenue as (
    -- docs/attribution.md#combined-revenue: every order, attributed or not, so that the totals are whole
    select
        workspace_id,
        order_id as revenue_id,
        source_id,
        campaign_id,
        flow_id,
        agent_id,
        popup_id,
        message_id,
        cast(null as {{ dbt.type_string() }}) as creative_id,
        cast(null as {{ dbt.type_string() }}) as offer_id,
        contact_id,
        'shop_order' as revenue_source,
        attribution_method,
        source_type,
        channel,
        unattributed_reason,
        gross_revenue,
        net_revenue,
        is_attributed,
        false as is_affiliate,
        order_date as revenue_date,
        created_at as revenued_at
    from order_attribution
),

affiliate_revenue as (
    select
        affiliate_conversions.workspace_id,
        affiliate_conversions.conversion_key as revenue_id,
        affiliate_conversions.source_id,
        affiliate_conversions.campaign_id,
        affiliate_conversions.flow_id,
        affiliate_conversions.agent_id,
        cast(null as {{ dbt.type_string() }}) as popup_id,
        affiliate_conversions.message_id,
        affiliate_conversions.creative_id,
        affiliate_conversions.offer_id,
        affiliate_conversions.contact_id,
        'affiliate' as revenue_source,
        case
            when affiliate_conversions.is_attributed then 'affiliate_click'
        end as attribution_method,
        affiliate_conversions.source_type,
        affiliate_conversions.channel,
        affiliate_conversions.unattributed_reason,
        affiliate_conversions.revenue as gross_revenue,
        -- networks report no refunds: net = gross
        affiliate_conversions.revenue as net_revenue,
        affiliate_conversions.is_attributed,
        true as is_affiliate,
        -- a postback's local date in the workspace time zone; a manual import has only its date
        coalesce(
            {{ to_local_date('affiliate_conversions.converted_at', 'workspaces.timezone') }},
            affiliate_conversions.conversion_date
        ) as revenue_date,
        affiliate_conversions.converted_at as revenued_at
    from affiliate_conversions
    left join workspaces
        on affiliate_conversions.workspace_id = workspaces.workspace_id
),

all_revenue as (
    select * from shop_order_revenue
    union all
    select * from affiliate_revenue
)

select * from all_revenue
