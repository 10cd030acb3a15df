-- Why an order was credited as it was: the order's attribution row next to every
-- candidate the rules looked at. Set the order with
-- `dbt show --select explain_order_attribution --vars '{explain_workspace_id: w01, explain_order_id: o00000001}'`.
with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
    where
        workspace_id = '{{ var("explain_workspace_id", "") }}'
        and order_id = '{{ var("explain_order_id", "") }}'
),

stitched_contacts as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
    where
        workspace_id = '{{ var("explain_workspace_id", "") }}'
        and order_id = '{{ var("explain_order_id", "") }}'
),

stitched_list as (
    select
        workspace_id,
        order_id,
        string_agg(contact_id || ' (' || stitch_method || ')', ', ' order by contact_id) as stitched_contacts
    from stitched_contacts
    group by workspace_id, order_id
),

explained as (
    select
        attribution.*,
        stitched_list.stitched_contacts as stitched_contact_list
    from attribution
    left join stitched_list
        on
            attribution.workspace_id = stitched_list.workspace_id
            and attribution.order_id = stitched_list.order_id
)

select * from explained
