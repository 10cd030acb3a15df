-- docs/attribution.md#contacts-and-pii: no mart exposes a raw phone or e-mail. Every text column of the marts that
-- carry contact data is scanned for something shaped like an e-mail address or a phone
-- number (eight or more digits in a row, optionally after a +); masked phones
-- (+49***6789) must not match. Ids (opaque platform keys) and sha256 hashes (hex) are
-- not scanned. DuckDB regex functions: the marts are scanned where they are built.
{%- set marts = [
    ref('dim_contacts'),
    ref('campaign_orders'),
    ref('campaign_recipients'),
    ref('agent_performance'),
] -%}
{%- set scans = [] -%}
{%- for mart in marts if execute -%}
{%- for column in adapter.get_columns_in_relation(mart) -%}
{%- if column.is_string() and not column.name.endswith('_id') and not column.name.endswith('_hashed') -%}
{%- do scans.append((mart, column.name)) -%}
{%- endif -%}
{%- endfor -%}
{%- endfor %}

with

text_values as (
    {%- for mart, column_name in scans %}
    select
        '{{ mart.identifier }}' as mart,
        '{{ column_name }}' as column_name,
        {{ column_name }} as column_value
    from {{ mart }}
    union all
    {%- endfor %}
    select
        cast(null as varchar) as mart,
        cast(null as varchar) as column_name,
        cast(null as varchar) as column_value
    where false
),

raw_pii_shaped as (
    select * from text_values
    where
        regexp_matches(column_value, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}')
        or regexp_matches(regexp_replace(column_value, '[ ()./-]', '', 'g'), '[+]?[0-9]{8,}')
)

select * from raw_pii_shaped
