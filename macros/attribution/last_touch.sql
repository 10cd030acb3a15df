{#- docs/attribution.md#last-touch: for every order, the latest touch at or before the order's
    `created_at` on any contact stitched to it; ties go to the greater `event_id`.

    `order_contacts`: a relation or CTE with one row per (workspace_id, order_id,
    contact_id) and the order's `created_at`. `touches`: a relation or CTE with
    workspace_id, contact_id, event_id (unique within a workspace) and occurred_at.
    Returns one row per order that has such a touch: workspace_id, order_id,
    contact_id, event_id, touch_at, and the `touch_columns` of the touch (carried
    through, so the caller need not join the touches again). No window is applied here: the caller compares
    `touch_at` with the order's window, which gives both the last touch in window
    (the latest touch is in the window or no touch is) and the latest touch of any
    age (the credited contact of a coupon).

    DuckDB uses an ASOF join; every other engine the portable default__, which
    var('last_touch_impl', 'dispatch') = 'portable' forces on DuckDB too (the two
    paths are compared by tests/python/test_last_touch_paths.py). -#}
{% macro last_touch(order_contacts, touches, touch_columns=[]) -%}
    {%- set implementation = var('last_touch_impl', 'dispatch') -%}
    {%- if implementation == 'portable' -%}
        {{ return(default__last_touch(order_contacts, touches, touch_columns)) }}
    {%- elif implementation == 'dispatch' -%}
        {{ return(adapter.dispatch('last_touch', 'msgwh')(order_contacts, touches, touch_columns)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var('last_touch_impl') must be 'dispatch' or 'portable', got '" ~ implementation ~ "'"
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- One touch per (workspace, contact, instant): the greatest event_id. The tie-break
    of docs/attribution.md#last-touch is made here, before any join, because an ASOF join keeps one match
    and has no tie-break of its own; across instants nothing is lost. -#}
{% macro last_touch_touches_at_instant(touches, touch_columns=[]) -%}
    select
        workspace_id,
        contact_id,
        event_id,
        {%- for column in touch_columns %}
        {{ column }},
        {%- endfor %}
        occurred_at
    from (
        select
            workspace_id,
            contact_id,
            event_id,
            {%- for column in touch_columns %}
            {{ column }},
            {%- endfor %}
            occurred_at,
            row_number() over (
                partition by workspace_id, contact_id, occurred_at
                order by event_id desc
            ) as instant_rank
        from {{ touches }}
    ) as ranked_touches
    where instant_rank = 1
{%- endmacro %}


{#- Of an order's stitched contacts, the one with the latest touch; ties (two
    contacts touched in the same second) go to the greater event_id. -#}
{% macro last_touch_best_per_order(matched, touch_columns=[]) -%}
    select
        workspace_id,
        order_id,
        contact_id,
        event_id,
        {%- for column in touch_columns %}
        {{ column }},
        {%- endfor %}
        touch_at
    from (
        select
            workspace_id,
            order_id,
            contact_id,
            event_id,
            {%- for column in touch_columns %}
            {{ column }},
            {%- endfor %}
            touch_at,
            row_number() over (
                partition by workspace_id, order_id
                order by touch_at desc, event_id desc
            ) as order_touch_rank
        from {{ matched }}
    ) as ranked_matches
    where order_touch_rank = 1
{%- endmacro %}


{#- DuckDB: ASOF join, one probe per (order, contact), log-time in the contact's
    touches. The inequality is the only non-equality condition, as ASOF requires. -#}
{% macro duckdb__last_touch(order_contacts, touches, touch_columns=[]) -%}
    with

    touches_at_instant as (
        {{ last_touch_touches_at_instant(touches, touch_columns) }}
    ),

    matched as (
        select
            order_contacts.workspace_id,
            order_contacts.order_id,
            order_contacts.contact_id,
            touches_at_instant.event_id,
            {%- for column in touch_columns %}
            touches_at_instant.{{ column }},
            {%- endfor %}
            touches_at_instant.occurred_at as touch_at
        from {{ order_contacts }} as order_contacts
        asof inner join touches_at_instant
            on
                order_contacts.workspace_id = touches_at_instant.workspace_id
                and order_contacts.contact_id = touches_at_instant.contact_id
                -- docs/attribution.md#last-touch: a touch counts up to and including the order's second
                and order_contacts.created_at >= touches_at_instant.occurred_at
    )

    {{ last_touch_best_per_order('matched', touch_columns) }}
{%- endmacro %}


{#- Portable: one timeline per contact of its touches and its orders, touches sorted
    before orders of the same instant (inclusive end); a running max over the
    timeline carries the latest touch time to each order row. One sort per contact,
    linear in its events: no range join, nothing quadratic in a heavy contact. -#}
{% macro default__last_touch(order_contacts, touches, touch_columns=[]) -%}
    with

    touches_at_instant as (
        {{ last_touch_touches_at_instant(touches, touch_columns) }}
    ),

    timeline as (
        select
            workspace_id,
            contact_id,
            cast(null as {{ dbt.type_string() }}) as order_id,
            0 as timeline_kind,
            occurred_at as timeline_at
        from touches_at_instant
        union all
        select
            workspace_id,
            contact_id,
            order_id,
            1 as timeline_kind,
            created_at as timeline_at
        from {{ order_contacts }}
    ),

    timeline_with_last_touch as (
        select
            workspace_id,
            contact_id,
            order_id,
            timeline_kind,
            max(case when timeline_kind = 0 then timeline_at end) over (
                partition by workspace_id, contact_id
                -- docs/attribution.md#last-touch: a touch at the order's very second sorts before it and counts
                order by timeline_at, timeline_kind
                rows between unbounded preceding and current row
            ) as touch_at
        from timeline
    ),

    matched as (
        select
            timeline_with_last_touch.workspace_id,
            timeline_with_last_touch.order_id,
            timeline_with_last_touch.contact_id,
            touches_at_instant.event_id,
            {%- for column in touch_columns %}
            touches_at_instant.{{ column }},
            {%- endfor %}
            timeline_with_last_touch.touch_at
        from timeline_with_last_touch
        inner join touches_at_instant
            on
                timeline_with_last_touch.workspace_id = touches_at_instant.workspace_id
                and timeline_with_last_touch.contact_id = touches_at_instant.contact_id
                and timeline_with_last_touch.touch_at = touches_at_instant.occurred_at
        where timeline_with_last_touch.timeline_kind = 1
    )

    {{ last_touch_best_per_order('matched', touch_columns) }}
{%- endmacro %}
