{#- A configured schema is used as written (raw, staging, intermediate, marts),
    not prefixed with the target schema, so that BI tools and grants name stable
    schemas. Models without one land in the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
