-- SPEC §6: the funnel has one row per staged message, no more, no less.
with

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

compared as (
    select
        coalesce(messages.workspace_id, funnel.workspace_id) as workspace_id,
        coalesce(messages.message_id, funnel.message_id) as message_id,
        messages.message_id is not null as is_staged,
        funnel.message_id is not null as is_in_funnel
    from messages
    full outer join funnel
        on
            messages.workspace_id = funnel.workspace_id
            and messages.message_id = funnel.message_id
)

select * from compared
where not (is_staged and is_in_funnel)
