{%- set default_window_days = var('attribution_window_days', 5) | int -%}

with

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

settings as (
    select * from {{ ref('stg_raw__attribution_settings') }}
),

settings_candidates as (
    select
        orders.workspace_id,
        orders.order_id,
        settings.window_days,
        settings.is_coupon_attribution_enabled,
        settings.effective_from,
        orders.created_at,
        row_number() over (
            partition by orders.workspace_id, orders.order_id
            order by settings.effective_from desc
        ) as settings_rank
    from orders
    -- docs/attribution.md#settings-in-force: a settings change applies to orders created from effective_from
    -- on, never before
    left join settings
        on
            orders.workspace_id = settings.workspace_id
            and orders.created_at >= settings.effective_from
),

final as (
    select
        workspace_id,
        order_id,
        -- docs/attribution.md#settings-in-force: with no settings row in force,
        -- var('attribution_window_days') and coupons enabled
        coalesce(window_days, {{ default_window_days }}) as window_days,
        coalesce(is_coupon_attribution_enabled, true) as is_coupon_attribution_enabled,
        effective_from is not null as has_settings_in_force,
        effective_from as settings_effective_from,
        created_at,
        {{ dbt.dateadd('hour', '-24 * coalesce(window_days, ' ~ default_window_days ~ ')', 'created_at') }}
            as window_starts_at
    from settings_candidates
    where settings_rank = 1
)

select * from final
