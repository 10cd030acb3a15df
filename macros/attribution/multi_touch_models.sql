{#- docs/attribution.md#multi-touch-credit: the credit models, in the order reports list them. -#}
{% macro multi_touch_models() -%}
    {{ return(['last_touch', 'first_touch', 'linear', 'position_based', 'time_decay']) }}
{%- endmacro %}
