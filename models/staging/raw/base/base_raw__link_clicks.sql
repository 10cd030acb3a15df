{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'link_clicks',
    ['workspace_id', 'click_event_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__shared_links', 'columns': [('workspace_id', 'workspace_id'), ('link_id', 'link_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('link_clicks', raw_scope) }}
),

links as (
    select
        workspace_id,
        link_id
    from {{ ref('stg_raw__shared_links') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.click_event_id', 'typed.link_id']) }}
            when links.link_id is null then 'unknown_link_id'
            {{ dq_timestamp_checks('typed.clicked_at') }}
        end as check_reason
    from typed
    left join links
        on
            typed.workspace_id = links.workspace_id
            and typed.link_id = links.link_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, click_event_id, check_reason is null
            order by clicked_at
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        click_event_id,
        link_id,
        clicked_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_click_event_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'click_event_id'], raw_scope) }}

select * from tracked
