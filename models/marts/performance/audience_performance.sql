{%- set dimensions = ['sending_list', 'signup_source', 'region', 'country_code', 'channel'] -%}
-- docs/attribution.md#audience-performance: each message's results credited to its audience
-- (its campaign's sending list, its contact's attributes, its channel), per dimension and value
with

funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

conversions_per_message as (
    select
        workspace_id,
        message_id,
        count(*) as conversions,
        sum(revenue) as conversion_revenue
    from {{ ref('fct_affiliate_conversions') }}
    where is_attributed
    group by workspace_id, message_id
),

campaigns as (
    select
        workspace_id,
        campaign_id,
        sending_list
    from {{ ref('stg_raw__campaigns') }}
),

-- contacts carry no history: their attributes as they stand now
contacts as (
    select
        workspace_id,
        contact_id,
        signup_source,
        region,
        country_code
    from {{ ref('stg_raw__contacts') }}
),

messages as (
    select
        funnel.workspace_id,
        campaigns.sending_list,
        contacts.signup_source,
        contacts.region,
        contacts.country_code,
        funnel.channel,
        -- a read or click proves delivery when the delivered webhook was lost (as in campaign_performance)
        funnel.is_delivered or funnel.is_viewed or funnel.is_clicked as is_delivered,
        funnel.is_clicked,
        funnel.attributed_orders,
        funnel.attributed_gross_revenue,
        funnel.attributed_net_revenue,
        funnel.cost,
        coalesce(conversions_per_message.conversions, 0) as conversions,
        coalesce(conversions_per_message.conversion_revenue, 0) as conversion_revenue
    from funnel
    left join conversions_per_message
        on
            funnel.workspace_id = conversions_per_message.workspace_id
            and funnel.message_id = conversions_per_message.message_id
    left join campaigns
        on
            funnel.workspace_id = campaigns.workspace_id
            and funnel.campaign_id = campaigns.campaign_id
    left join contacts
        on
            funnel.workspace_id = contacts.workspace_id
            and funnel.contact_id = contacts.contact_id
),

-- one row per combination of the audience attributes first: far fewer rows than messages
combinations as (
    select
        workspace_id,
        {%- for dimension in dimensions %}
        {{ dimension }},
        {%- endfor %}
        count(*) as sends,
        count(case when is_delivered then 1 end) as delivered,
        count(case when is_clicked then 1 end) as clicks,
        sum(attributed_orders) as attributed_orders,
        sum(conversions) as conversions,
        sum(attributed_gross_revenue + conversion_revenue) as gross_revenue,
        sum(attributed_net_revenue + conversion_revenue) as net_revenue,
        coalesce(sum(cost), 0) as message_cost
    from messages
    group by {{ (['workspace_id'] + dimensions) | join(', ') }}
),

-- a null attribute is a value of its own, so each dimension's rows add up to the workspace
audiences as (
    {%- for dimension in dimensions %}
    select
        workspace_id,
        '{{ dimension }}' as dimension,
        coalesce({{ dimension }}, '(none)') as dimension_value,
        sends,
        delivered,
        clicks,
        attributed_orders,
        conversions,
        gross_revenue,
        net_revenue,
        message_cost
    from combinations
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

totals as (
    select
        workspace_id,
        dimension,
        dimension_value,
        sum(sends) as sends,
        sum(delivered) as delivered,
        sum(clicks) as clicks,
        sum(attributed_orders) as attributed_orders,
        sum(conversions) as conversions,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        sum(message_cost) as message_cost
    from audiences
    group by workspace_id, dimension, dimension_value
),

final as (
    select
        workspace_id,
        dimension,
        dimension_value,
        cast(sends as bigint) as sends,
        cast(delivered as bigint) as delivered,
        cast(clicks as bigint) as clicks,
        cast(attributed_orders as bigint) as attributed_orders,
        cast(conversions as bigint) as conversions,
        cast(gross_revenue as decimal(18, 2)) as gross_revenue,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        -- docs/contract.md#marts: the public name of the metric is `cost` (a keyword sqlfluff flags)
        cast(message_cost as decimal(18, 2)) as cost,  -- noqa: RF04
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide('gross_revenue', 'sends') }} as revenue_per_send,
        {{ safe_divide('gross_revenue', 'clicks') }} as epc,
        {{ safe_divide('attributed_orders + conversions', 'clicks') }} as conversion_rate,
        {{ safe_divide('gross_revenue', 'message_cost') }} as roas
    from totals
)

select * from final
