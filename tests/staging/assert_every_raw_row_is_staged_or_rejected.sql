{#- docs/contract.md#bad-input: nothing is silently dropped. Per raw table, the raw row count equals
    the staged rows plus the rows rejected in dq_rejected_rows; a join that lost
    or multiplied rows in staging fails here. fx_rates is counted before its
    staging view adds inverse quotes. -#}
with

{% for table_name in raw_contract() %}
{{ table_name }}_counts as (
    select
        '{{ table_name }}' as source_table,
        (select count(*) from {{ raw_source(table_name) }}) as raw_rows,
        {%- if table_name == 'fx_rates' %}
        (
            select count(*) from {{ ref('base_raw__fx_rates') }}
            where rejection_reason is null
        ) as staged_rows,
        {%- else %}
        (select count(*) from {{ ref('stg_raw__' ~ table_name) }}) as staged_rows,
        {%- endif %}
        (
            select count(*) from {{ ref('dq_rejected_rows') }}
            where source_table = '{{ table_name }}' and disposition = 'rejected'
        ) as rejected_rows
),

{% endfor %}
all_counts as (
    {%- for table_name in raw_contract() %}
    select * from {{ table_name }}_counts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select *
from all_counts
where raw_rows != staged_rows + rejected_rows
