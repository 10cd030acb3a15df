{%- set half_life_seconds = 86400 * var('time_decay_half_life_days', 7) -%}
-- docs/attribution.md#multi-touch-credit: each model's share of an order for each touch of its path
with

paths as (
    select * from {{ ref('int_order_touch_paths') }}
),

orders as (
    select
        workspace_id,
        order_id,
        gross_revenue,
        net_revenue
    from {{ ref('fct_order_attribution') }}
),

-- time decay: 2^(-age / half-life), measured from the path's youngest touch so no weight
-- underflows; the common factor cancels when the weights are normalised
decay_weighted as (
    select
        *,
        power(
            2.0,
            -(touch_age_seconds - min(touch_age_seconds) over (partition by workspace_id, order_id))
            / {{ half_life_seconds }}.0
        ) as decay_weight
    from paths
),

shares as (
    select
        *,
        case when touch_position = path_length then 1.0 else 0.0 end as last_touch_share,
        case when touch_position = 1 then 1.0 else 0.0 end as first_touch_share,
        1.0 / path_length as linear_share,
        case
            when path_length = 1 then 1.0
            when path_length = 2 then 0.5
            when touch_position = 1 or touch_position = path_length then 0.4
            else 0.2 / (path_length - 2)
        end as position_based_share,
        -- the weights summed as decimals: a sum of doubles depends on the order rows arrive in
        decay_weight / cast(
            sum(cast(decay_weight as decimal(38, 18))) over (partition by workspace_id, order_id) as double
        ) as time_decay_share
    from decay_weighted
),

{%- set models = multi_touch_models() %}

credits as (
    {%- for attribution_model in models %}
    select
        workspace_id,
        order_id,
        '{{ attribution_model }}' as attribution_model,
        touch_event_id,
        touch_at,
        touch_event_type,
        touch_position,
        path_length,
        contact_id,
        message_id,
        source_type,
        source_id,
        campaign_id,
        flow_id,
        channel,
        cast({{ attribution_model }}_share as double) as credit_share
    from shares
    -- a touch the model gives nothing (first and last touch) has no row
    where {{ attribution_model }}_share > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        credits.*,
        credits.credit_share * orders.gross_revenue as credited_gross_revenue,
        credits.credit_share * orders.net_revenue as credited_net_revenue
    from credits
    inner join orders
        on
            credits.workspace_id = orders.workspace_id
            and credits.order_id = orders.order_id
)

select * from final
