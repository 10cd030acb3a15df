{#- An e-mail in marts: sha256 of var('pii_salt') || normalised e-mail, as hex.
    Equal e-mails hash equal within one salt, so joins across marts still work;
    without the salt the hash cannot be looked up in a table of known addresses. -#}
{% macro hash_email(email_normalized) -%}
    {{ return(adapter.dispatch('hash_email', 'msgwh')(email_normalized)) }}
{%- endmacro %}


{% macro default__hash_email(email_normalized) -%}
    case
        when {{ email_normalized }} is null then null
        else sha2(concat('{{ var("pii_salt") }}', {{ email_normalized }}), 256)
    end
{%- endmacro %}


{% macro duckdb__hash_email(email_normalized) -%}
    case
        when {{ email_normalized }} is null then null
        else sha256('{{ var("pii_salt") }}' || {{ email_normalized }})
    end
{%- endmacro %}
