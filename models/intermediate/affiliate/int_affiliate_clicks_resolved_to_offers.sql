{{ config(merge_clauses=tombstone_merge_clauses('clicked_at')) }}
{#- an incremental run reads these base tables: refs declared while parsing only -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__message_events') }}
-- depends_on: {{ ref('base_raw__messages') }}
-- depends_on: {{ ref('base_raw__creatives') }}
-- depends_on: {{ ref('base_raw__offers') }}
{%- endif %}
{%- set click_key = ['workspace_id', 'click_id'] -%}

with

{% if is_incremental() -%}
-- incremental run: the clicks that new data can change (docs/DECISIONS.md)
changed_messages as (
    {{ keys_loaded_since_watermark('base_raw__messages', ['workspace_id', 'message_id']) }}
),

changed_workspaces as (
    -- a creative's offer or an offer's window changed
    {{ keys_loaded_since_watermark('base_raw__creatives', ['workspace_id']) }}
    union
    {{ keys_loaded_since_watermark('base_raw__offers', ['workspace_id']) }}
),

affected_clicks as (
    -- every click id of an event version loaded since the last run: a new, late, moved
    -- or rejected click event can change which event comes first; an event whose message
    -- became staged or went is loaded again too (its rejection changed)
    select
        workspace_id,
        click_id
    from {{ ref('base_raw__message_events') }}
    where _loaded_at > {{ incremental_watermark() }} and click_id is not null
    union
    -- a stored click whose message changed (another contact, campaign, creative, offer)
    select
        stored.workspace_id,
        stored.click_id
    from {{ this }} as stored
    where {{ in_affected_keys('changed_messages', 'stored', ['workspace_id', 'message_id']) }}
    union
    -- every click of a workspace whose creatives or offers changed
    select
        message_events.workspace_id,
        message_events.click_id
    from {{ ref('stg_raw__message_events') }} as message_events
    where
        message_events.click_id is not null
        and message_events.workspace_id in (select changed_workspaces.workspace_id from changed_workspaces)
),

{% endif -%}
message_events as (
    select * from {{ ref('stg_raw__message_events') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_clicks', 'stg_raw__message_events', click_key) }}
    {%- endif %}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

creatives as (
    select * from {{ ref('stg_raw__creatives') }}
),

offers as (
    select * from {{ ref('stg_raw__offers') }}
),

clicked_events_ranked as (
    select
        workspace_id,
        event_id,
        message_id,
        click_id,
        occurred_at,
        -- docs/attribution.md#affiliate-conversions: a click_id carried by several clicked events resolves to
        -- the earliest
        row_number() over (
            partition by workspace_id, click_id
            order by occurred_at, event_id
        ) as click_rank
    from message_events
    where
        event_type = 'clicked'
        and click_id is not null
),

first_clicks as (
    select
        workspace_id,
        click_id,
        event_id as click_event_id,
        message_id,
        occurred_at as clicked_at
    from clicked_events_ranked
    where click_rank = 1
),

clicks_with_messages as (
    select
        first_clicks.workspace_id,
        first_clicks.click_id,
        first_clicks.click_event_id,
        first_clicks.message_id,
        messages.contact_id,
        messages.campaign_id,
        messages.flow_id,
        messages.agent_id,
        messages.creative_id,
        messages.offer_id as message_offer_id,
        creatives.offer_id as creative_offer_id,
        messages.source_type,
        messages.channel,
        first_clicks.clicked_at
    from first_clicks
    inner join messages
        on
            first_clicks.workspace_id = messages.workspace_id
            and first_clicks.message_id = messages.message_id
    left join creatives
        on
            messages.workspace_id = creatives.workspace_id
            and messages.creative_id = creatives.creative_id
),

clicks_with_offers as (
    select
        clicks_with_messages.workspace_id,
        clicks_with_messages.click_id,
        clicks_with_messages.click_event_id,
        clicks_with_messages.message_id,
        clicks_with_messages.contact_id,
        case clicks_with_messages.source_type
            when 'campaign' then clicks_with_messages.campaign_id
            when 'flow' then clicks_with_messages.flow_id
            when 'helpdesk' then clicks_with_messages.agent_id
        end as source_id,
        clicks_with_messages.campaign_id,
        clicks_with_messages.flow_id,
        clicks_with_messages.agent_id,
        clicks_with_messages.creative_id,
        -- docs/attribution.md#affiliate-conversions: the message's offer, else its creative's offer
        coalesce(
            clicks_with_messages.message_offer_id,
            clicks_with_messages.creative_offer_id
        ) as offer_id,
        clicks_with_messages.source_type,
        clicks_with_messages.channel,
        case
            when clicks_with_messages.message_offer_id is not null then 'message'
            when clicks_with_messages.creative_offer_id is not null then 'creative'
        end as offer_source,
        offers.attribution_window_hours as offer_window_hours,
        clicks_with_messages.clicked_at
    from clicks_with_messages
    left join offers
        on
            clicks_with_messages.workspace_id = offers.workspace_id
            and coalesce(
                clicks_with_messages.message_offer_id,
                clicks_with_messages.creative_offer_id
            ) = offers.offer_id
),

clicks_with_windows as (
    select
        workspace_id,
        click_id,
        click_event_id,
        message_id,
        contact_id,
        source_id,
        campaign_id,
        flow_id,
        agent_id,
        creative_id,
        offer_id,
        source_type,
        channel,
        offer_source,
        -- docs/attribution.md#affiliate-conversions: no (known) offer: the default window, 168 hours
        case
            when offer_window_hours is not null then 'offer'
            else 'default'
        end as window_source,
        coalesce(
            offer_window_hours,
            {{ var('default_offer_window_hours', 168) }}
        ) as attribution_window_hours,
        clicked_at
    from clicks_with_offers
)
-- a click whose first event went, or whose message is no longer staged: a tombstone (clicked_at null)
{{ select_with_tombstones('clicks_with_windows', 'affected_clicks', click_key) }}
