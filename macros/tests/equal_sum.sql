{#- Reconciliation test: sum(`column`) of the model equals sum(`compare_column`)
    of `compare_model`, per `group_by` columns (both sides), to the cent. -#}
{% test equal_sum(model, column, compare_model, compare_column, group_by=[], model_where='1 = 1', compare_where='1 = 1') %}

with

left_side as (
    select
        {% for column_name in group_by %}{{ column_name }}, {% endfor %}
        coalesce(sum({{ column }}), 0) as total
    from {{ model }}
    where {{ model_where }}
    {% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
),

right_side as (
    select
        {% for column_name in group_by %}{{ column_name }}, {% endfor %}
        coalesce(sum({{ compare_column }}), 0) as total
    from {{ compare_model }}
    where {{ compare_where }}
    {% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
)

select
    {% for column_name in group_by %}coalesce(left_side.{{ column_name }}, right_side.{{ column_name }}) as {{ column_name }}, {% endfor %}
    left_side.total as model_total,
    right_side.total as compare_total
from left_side
full outer join right_side
    on {% for column_name in group_by %}left_side.{{ column_name }} = right_side.{{ column_name }}{% if not loop.last %} and {% endif %}{% else %}1 = 1{% endfor %}
where abs(coalesce(left_side.total, 0) - coalesce(right_side.total, 0)) >= 0.005

{% endtest %}
