{#- The values of a list var (a YAML list or a comma-separated string), trimmed and
    lower-cased, as an SQL list for `in`: ('read', 'clicked'). An empty list gives
    (null), which matches nothing. Used for var('touch_event_types') and
    var('coupon_source_types'). -#}
{% macro attribution_var_values(name, default=[]) -%}
    {%- set configured = var(name, default) -%}
    {%- if configured is string -%}
        {%- set configured = configured.split(',') -%}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for value in configured -%}
        {%- set cleaned = value | string | trim | lower -%}
        {%- if cleaned -%}
            {%- do values.append("'" ~ cleaned | replace("'", "''") ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    ({{ values | join(', ') if values else 'null' }})
{%- endmacro %}
