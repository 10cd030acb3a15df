{%- set source_types = ['campaign', 'flow', 'helpdesk', 'popup', 'affiliate', 'unattributed', 'all'] -%}

with

days as (
    select * from {{ ref('int_workspace_days_spined') }}
),

daily as (
    select * from {{ ref('revenue_daily') }}
    -- the day rows carry no revenue
    where source_type != 'all'
),

source_types as (
    {%- for source_type in source_types %}
    select '{{ source_type }}' as source_type
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

revenue_per_source_type as (
    select
        workspace_id,
        source_type,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        revenue_date
    from daily
    group by workspace_id, revenue_date, source_type
),

revenue_in_total as (
    select
        workspace_id,
        'all' as source_type,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        revenue_date
    from daily
    group by workspace_id, revenue_date
),

revenue_per_day as (
    select * from revenue_per_source_type
    union all
    select * from revenue_in_total
),

latest_days as (
    -- the workspace's last date of activity: the dashboard's "today"
    select
        workspace_id,
        max(date_day) as latest_date
    from days
    group by workspace_id
),

grid as (
    -- every date of the spine for every source type, so each window is a run of 30 rows
    select
        days.workspace_id,
        source_types.source_type,
        days.date_day
    from days
    cross join source_types
),

grid_with_revenue as (
    select
        grid.workspace_id,
        grid.source_type,
        coalesce(revenue_per_day.gross_revenue, 0) as gross_revenue,
        coalesce(revenue_per_day.net_revenue, 0) as net_revenue,
        grid.date_day
    from grid
    left join revenue_per_day
        on
            grid.workspace_id = revenue_per_day.workspace_id
            and grid.source_type = revenue_per_day.source_type
            and grid.date_day = revenue_per_day.revenue_date
),

windows as (
    select
        workspace_id,
        source_type,
        {%- for measure in ['gross_revenue', 'net_revenue'] %}
        -- docs/attribution.md#rolling-dashboard-cards: the date and the 29 days before it
        sum({{ measure }}) over (
            partition by workspace_id, source_type order by date_day
            rows between 29 preceding and current row
        ) as {{ measure }}_last_30d,
        -- the 30 days before those: days 30 to 59 before the date
        coalesce(sum({{ measure }}) over (
            partition by workspace_id, source_type order by date_day
            rows between 59 preceding and 30 preceding
        ), 0) as {{ measure }}_previous_30d,
        sum({{ measure }}) over (
            partition by workspace_id, source_type order by date_day
            rows between unbounded preceding and current row
        ) as {{ measure }}_lifetime,
        {%- endfor %}
        date_day
    from grid_with_revenue
),

changes as (
    select
        workspace_id,
        source_type,
        {%- for measure in ['gross_revenue', 'net_revenue'] %}
        {{ measure }}_last_30d,
        {{ measure }}_previous_30d,
        {{ measure }}_last_30d - {{ measure }}_previous_30d as {{ measure }}_change,
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide(measure ~ '_last_30d - ' ~ measure ~ '_previous_30d', measure ~ '_previous_30d') }}
            as {{ measure }}_change_rate,
        {{ measure }}_lifetime,
        {%- endfor %}
        date_day
    from windows
),

final as (
    select
        changes.workspace_id,
        changes.source_type,
        {%- for measure in ['gross_revenue', 'net_revenue'] %}
        cast(changes.{{ measure }}_last_30d as decimal(18, 2)) as {{ measure }}_last_30d,
        cast(changes.{{ measure }}_previous_30d as decimal(18, 2)) as {{ measure }}_previous_30d,
        cast(changes.{{ measure }}_change as decimal(18, 2)) as {{ measure }}_change,
        changes.{{ measure }}_change_rate,
        cast(changes.{{ measure }}_lifetime as decimal(18, 2)) as {{ measure }}_lifetime,
        {%- endfor %}
        changes.date_day = latest_days.latest_date as is_latest_date,
        changes.date_day as as_of_date
    from changes
    inner join latest_days
        on changes.workspace_id = latest_days.workspace_id
)

select * from final
