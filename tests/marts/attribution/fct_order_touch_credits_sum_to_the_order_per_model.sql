-- docs/attribution.md#multi-touch-credit: every order with a path has every model, and under each
-- model its shares sum to 1 and its credited revenue to the order's revenue
with

credits as (
    select * from {{ ref('fct_order_touch_credits') }}
),

orders as (
    select * from {{ ref('fct_order_attribution') }}
),

paths as (
    select distinct
        workspace_id,
        order_id
    from {{ ref('int_order_touch_paths') }}
),

per_model as (
    select
        workspace_id,
        order_id,
        attribution_model,
        sum(credit_share) as total_share,
        sum(credited_gross_revenue) as total_gross,
        sum(credited_net_revenue) as total_net
    from credits
    group by workspace_id, order_id, attribution_model
),

models as (
    {%- for attribution_model in multi_touch_models() %}
    select '{{ attribution_model }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

expected as (
    select
        paths.workspace_id,
        paths.order_id,
        models.attribution_model,
        orders.gross_revenue,
        orders.net_revenue
    from paths
    cross join models
    left join orders
        on
            paths.workspace_id = orders.workspace_id
            and paths.order_id = orders.order_id
)

select
    coalesce(expected.workspace_id, per_model.workspace_id) as workspace_id,
    coalesce(expected.order_id, per_model.order_id) as order_id,
    coalesce(expected.attribution_model, per_model.attribution_model) as attribution_model,
    per_model.total_share,
    per_model.total_gross,
    expected.gross_revenue,
    per_model.total_net,
    expected.net_revenue
from expected
full outer join per_model
    on
        expected.workspace_id = per_model.workspace_id
        and expected.order_id = per_model.order_id
        and expected.attribution_model = per_model.attribution_model
where
    expected.order_id is null
    or per_model.order_id is null
    or expected.gross_revenue is null
    or abs(per_model.total_share - 1) > 1e-9
    or abs(per_model.total_gross - expected.gross_revenue) > 0.000001
    or abs(per_model.total_net - expected.net_revenue) > 0.000001
