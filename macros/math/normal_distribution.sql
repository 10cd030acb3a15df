{#- docs/attribution.md#holdout-lift: the standard normal's 97.5% quantile, for 95% two-sided
    intervals; the value of scipy.stats.norm.ppf(0.975) (tests/python/test_holdout_lift.py
    checks it against scipy). -#}
{% macro normal_quantile_975() -%}
    1.959963984540054
{%- endmacro %}


{#- P(|Z| >= |z|) for a standard normal Z: the two-sided p-value of a z statistic. -#}
{% macro two_sided_p_value(z) -%}
    {{ return(adapter.dispatch('two_sided_p_value', 'msgwh')(z)) }}
{%- endmacro %}

{% macro duckdb__two_sided_p_value(z) -%}
    msgwh_two_sided_p_value({{ z }})
{%- endmacro %}

{#- no engine but DuckDB has scipy's distribution here; an approximation of unknown accuracy
    would be worse than an error -#}
{% macro default__two_sided_p_value(z) -%}
    {{ exceptions.raise_compiler_error(
        "two_sided_p_value needs a normal-distribution function on " ~ target.type
        ~ ": register scipy.stats.norm.sf as a UDF (as msgwh/duckdb_plugin.py does) and add a dispatch"
    ) }}
{%- endmacro %}
