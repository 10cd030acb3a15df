{#- docs/attribution.md#order-attribution-rules: the attribution rules in the order they are tried, from
    var('attribution_precedence') (default link, last_touch, coupon). Any order of
    the three names is honoured; a name left out switches its rule off; an unknown
    or repeated name fails the build. A comma-separated string is accepted too
    (`--vars '{attribution_precedence: "coupon,link,last_touch"}'`). -#}
{% macro attribution_precedence() -%}
    {%- set configured = var('attribution_precedence', ['link', 'last_touch', 'coupon']) -%}
    {%- if configured is string -%}
        {%- set configured = configured.split(',') -%}
    {%- endif -%}
    {%- set rules = [] -%}
    {%- for rule in configured -%}
        {%- set name = rule | string | trim | lower -%}
        {%- if name not in ['link', 'last_touch', 'coupon'] -%}
            {{ exceptions.raise_compiler_error(
                "var('attribution_precedence'): unknown rule '" ~ name ~ "' (known: link, last_touch, coupon)"
            ) }}
        {%- endif -%}
        {%- if name in rules -%}
            {{ exceptions.raise_compiler_error("var('attribution_precedence'): rule '" ~ name ~ "' named twice") }}
        {%- endif -%}
        {%- do rules.append(name) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}
