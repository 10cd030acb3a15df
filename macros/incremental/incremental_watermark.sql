{#- The timestamp of this dbt invocation, stamped on rows as `_loaded_at`. -#}
{% macro incremental_run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The model `incremental_watermarks` (intermediate schema), read by name: the models
    it records are its parents. -#}
{% macro incremental_watermark_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none),
        identifier='incremental_watermarks',
        type='table'
    )) }}
{%- endmacro %}


{#- The downstream incremental models whose watermark incremental_watermarks records. -#}
{% macro incremental_watermarked_models() -%}
    {{ return([
        'int_message_events_aggregated', 'int_conversations_counted_per_day',
        'int_affiliate_clicks_resolved_to_offers', 'int_contacts_dated_to_signup_cohorts',
        'fct_order_attribution', 'fct_message_funnel', 'dim_contacts',
        'campaign_daily_stats', 'campaign_recipients',
    ]) }}
{%- endmacro %}


{#- The last run this model (or the model `model_name`) processed, as SQL (a scalar
    subquery read when the query runs). With no record, the beginning of time: every
    tracked row counts as new, which is always exact. -#}
{% macro incremental_watermark(model_name=none) -%}
    {%- set fallback = "cast('1900-01-01' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set relation = incremental_watermark_relation() -%}
    {%- if not execute or load_relation(relation) is none -%}
        {{ return(fallback) }}
    {%- endif -%}
    {{ return("coalesce((select max(processed_until) from " ~ relation ~ " where model_name = '"
        ~ (model_name or this.identifier) ~ "'), " ~ fallback ~ ")") }}
{%- endmacro %}
