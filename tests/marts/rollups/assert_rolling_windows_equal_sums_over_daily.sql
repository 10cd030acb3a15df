{#- docs/attribution.md#rolling-dashboard-cards: on every date of the spine and for every source type,
    the rolling windows of revenue_rolling equal sums over revenue_daily computed
    with date arithmetic (not row frames): the last 30 days (the date and the 29
    before) and the 30 before those; the lifetime grows from the previous date by
    exactly the date's revenue (its end value is reconciled to the fact in YAML).
    The join spans 60 days, so the test stays linear in the spine. Returns the
    rows that differ by a cent or more. -#}
with

rolling as (
    select * from {{ ref('revenue_rolling') }}
),

daily as (
    select * from {{ ref('revenue_daily') }}
),

daily_per_source_type as (
    select
        workspace_id,
        source_type,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        revenue_date
    from daily
    group by workspace_id, source_type, revenue_date
),

daily_in_total as (
    select
        workspace_id,
        'all' as source_type,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        revenue_date
    from daily
    group by workspace_id, revenue_date
),

daily_revenue as (
    select * from daily_per_source_type
    where source_type != 'all'
    union all
    select * from daily_in_total
),

recomputed as (
    select
        rolling.workspace_id,
        rolling.source_type,
        rolling.as_of_date,
        {%- for measure in ['gross_revenue', 'net_revenue'] %}
        coalesce(sum(
            case
                when daily_revenue.revenue_date > {{ dbt.dateadd('day', -30, 'rolling.as_of_date') }}
                    then daily_revenue.{{ measure }}
            end
        ), 0) as {{ measure }}_last_30d,
        coalesce(sum(
            case
                when
                    daily_revenue.revenue_date <= {{ dbt.dateadd('day', -30, 'rolling.as_of_date') }}
                    and daily_revenue.revenue_date > {{ dbt.dateadd('day', -60, 'rolling.as_of_date') }}
                    then daily_revenue.{{ measure }}
            end
        ), 0) as {{ measure }}_previous_30d,
        coalesce(sum(
            case
                when daily_revenue.revenue_date = rolling.as_of_date
                    then daily_revenue.{{ measure }}
            end
        ), 0) as {{ measure }}_of_the_day{% if not loop.last %},{% endif %}
        {%- endfor %}
    from rolling
    left join daily_revenue
        on
            rolling.workspace_id = daily_revenue.workspace_id
            and rolling.source_type = daily_revenue.source_type
            and rolling.as_of_date >= daily_revenue.revenue_date
            and daily_revenue.revenue_date > {{ dbt.dateadd('day', -60, 'rolling.as_of_date') }}
    group by rolling.workspace_id, rolling.source_type, rolling.as_of_date
),

differences as (
    select
        rolling.workspace_id,
        rolling.source_type,
        rolling.as_of_date,
        rolling.gross_revenue_last_30d,
        recomputed.gross_revenue_last_30d as expected_gross_revenue_last_30d,
        rolling.gross_revenue_previous_30d,
        recomputed.gross_revenue_previous_30d as expected_gross_revenue_previous_30d,
        rolling.gross_revenue_lifetime,
        coalesce(day_before.gross_revenue_lifetime, 0) + recomputed.gross_revenue_of_the_day
            as expected_gross_revenue_lifetime
    from rolling
    inner join recomputed
        on
            rolling.workspace_id = recomputed.workspace_id
            and rolling.source_type = recomputed.source_type
            and rolling.as_of_date = recomputed.as_of_date
    left join rolling as day_before
        on
            rolling.workspace_id = day_before.workspace_id
            and rolling.source_type = day_before.source_type
            and rolling.as_of_date = {{ dbt.dateadd('day', 1, 'day_before.as_of_date') }}
    where
        abs(rolling.gross_revenue_last_30d - recomputed.gross_revenue_last_30d) >= 0.005
        or abs(rolling.gross_revenue_previous_30d - recomputed.gross_revenue_previous_30d) >= 0.005
        or abs(
            rolling.gross_revenue_lifetime
            - coalesce(day_before.gross_revenue_lifetime, 0)
            - recomputed.gross_revenue_of_the_day
        ) >= 0.005
        or abs(rolling.net_revenue_last_30d - recomputed.net_revenue_last_30d) >= 0.005
        or abs(rolling.net_revenue_previous_30d - recomputed.net_revenue_previous_30d) >= 0.005
        or abs(
            rolling.net_revenue_lifetime
            - coalesce(day_before.net_revenue_lifetime, 0)
            - recomputed.net_revenue_of_the_day
        ) >= 0.005
)

select * from differences
