{#- Foreign key within a workspace: every non-null (workspace_id, column) of the
    model exists as (workspace_id, field) in `to`. Ids are unique only within a
    workspace, so the plain `relationships` test would prove nothing. -#}
{% test related_in_workspace(model, column_name, to, field) %}

select child.workspace_id, child.{{ column_name }}
from {{ model }} as child
left join {{ to }} as parent
    on
        child.workspace_id = parent.workspace_id
        and child.{{ column_name }} = parent.{{ field }}
where child.{{ column_name }} is not null and parent.{{ field }} is null

{% endtest %}
