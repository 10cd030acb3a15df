-- docs/attribution.md#order-attribution-rules: one row per usable order: every staged order is in the mart
-- and nothing else is
with

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

missing_from_mart as (
    select
        orders.workspace_id,
        orders.order_id,
        'missing_from_mart' as problem
    from orders
    left join attribution
        on
            orders.workspace_id = attribution.workspace_id
            and orders.order_id = attribution.order_id
    where attribution.order_id is null
),

not_a_usable_order as (
    select
        attribution.workspace_id,
        attribution.order_id,
        'not_a_usable_order' as problem
    from attribution
    left join orders
        on
            attribution.workspace_id = orders.workspace_id
            and attribution.order_id = orders.order_id
    where orders.order_id is null
),

mart_count as (
    select count(*) as mart_rows from attribution
),

order_count as (
    select count(*) as order_rows from orders
),

row_counts as (
    select
        cast(null as {{ dbt.type_string() }}) as workspace_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        'row_count_differs' as problem
    from mart_count
    cross join order_count
    where mart_count.mart_rows != order_count.order_rows
)

select * from missing_from_mart
union all
select * from not_a_usable_order
union all
select * from row_counts
