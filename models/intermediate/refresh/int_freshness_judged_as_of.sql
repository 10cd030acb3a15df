{#- One row: the instant validation judges the marts' freshness at (macros/sources/freshness_as_of.sql).
    Null means "now": real data is judged by the clock; the demo seeds by their own as-of. -#}
select
    {% if is_demo_build() -%}
    {{ freshness_as_of() }}
    {%- else -%}
    cast(null as {{ dbt.type_timestamp() }})
    {%- endif %} as judged_as_of,
    {{ 'true' if is_demo_build() else 'false' }} as is_demo_data
