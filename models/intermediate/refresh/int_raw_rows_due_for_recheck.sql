{{ config(materialized='view') }}

{#- Per raw table, the stored rows rejected as "in the future" whose time has come
    (macros/incremental/incremental_raw_scope.sql): evaluated when read, so a refresh
    that finds no new raw file still rebuilds when the clock released a row. Always
    zero with var('dq_as_of') pinned. -#}
{%- set tables = raw_contract().keys() | list %}

{% for table_name in tables -%}
{%- set relation = ref('base_raw__' ~ table_name) -%}
{%- set stored_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list if execute else [] -%}
select
    '{{ table_name }}' as table_name,
    count(*) as rows_due
from {{ relation }} as base_rows
where {{ expired_future_rejection(table_name, 'base_rows', stored_columns) or 'false' }}
{% if not loop.last %}
union all
{% endif %}
{%- endfor %}
