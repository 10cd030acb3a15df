with

postbacks as (
    select * from {{ ref('stg_raw__affiliate_postbacks') }}
),

manual_imports as (
    select * from {{ ref('int_manual_imports_deduplicated') }}
),

clicks as (
    select * from {{ ref('int_affiliate_clicks_resolved_to_offers') }}
),

postback_conversions as (
    select
        workspace_id,
        {{ dbt.concat(["'postback:'", 'network', "':'", 'conversion_id']) }} as conversion_key,
        postback_id,
        cast(null as {{ dbt.type_string() }}) as import_id,
        click_id,
        'postback' as conversion_source,
        network,
        revenue,
        conversion_date,
        converted_at
    from postbacks
),

manual_conversions as (
    select
        workspace_id,
        {{ dbt.concat(["'manual:'", 'import_id']) }} as conversion_key,
        cast(null as {{ dbt.type_string() }}) as postback_id,
        import_id,
        click_id,
        'manual' as conversion_source,
        cast(null as {{ dbt.type_string() }}) as network,
        revenue,
        conversion_date,
        cast(null as {{ dbt.type_timestamp() }}) as converted_at
    from manual_imports
    -- docs/attribution.md#affiliate-conversions: imports that repeat a postback are dropped (recorded in
    -- dq_rejected_rows)
    where duplicate_reason is null
),

conversions as (
    select * from postback_conversions
    union all
    select * from manual_conversions
),

conversions_matched_to_clicks as (
    select
        conversions.workspace_id,
        conversions.conversion_key,
        conversions.postback_id,
        conversions.import_id,
        conversions.click_id,
        clicks.click_event_id,
        clicks.message_id,
        clicks.contact_id,
        clicks.source_id,
        clicks.campaign_id,
        clicks.flow_id,
        clicks.agent_id,
        clicks.creative_id,
        clicks.offer_id,
        conversions.conversion_source,
        conversions.network,
        clicks.source_type,
        clicks.channel,
        clicks.window_source,
        conversions.revenue,
        clicks.attribution_window_hours,
        case
            -- docs/attribution.md#affiliate-conversions: the click_id must match a clicked event of the workspace
            when clicks.click_id is null then 'unknown_click'
            -- docs/attribution.md#affiliate-conversions: a manual import carries only a date; the network
            -- already credited the click
            when conversions.conversion_source = 'manual' then null
            -- docs/attribution.md#affiliate-conversions: click_at <= converted_at <= click_at + window, both
            -- ends inclusive
            when
                conversions.converted_at >= clicks.clicked_at
                and conversions.converted_at
                <= {{ dbt.dateadd('hour', 'clicks.attribution_window_hours', 'clicks.clicked_at') }}
                then null
            else 'outside_window'
        end as unattributed_reason,
        conversions.conversion_date,
        conversions.converted_at,
        clicks.clicked_at
    from conversions
    left join clicks
        on
            conversions.workspace_id = clicks.workspace_id
            and conversions.click_id = clicks.click_id
),

conversions_credited as (
    select
        workspace_id,
        conversion_key,
        postback_id,
        import_id,
        click_id,
        click_event_id,
        -- the credit goes only to attributed conversions; the matched click stays for diagnosis
        case when unattributed_reason is null then message_id end as message_id,
        case when unattributed_reason is null then contact_id end as contact_id,
        case when unattributed_reason is null then source_id end as source_id,
        case when unattributed_reason is null then campaign_id end as campaign_id,
        case when unattributed_reason is null then flow_id end as flow_id,
        case when unattributed_reason is null then agent_id end as agent_id,
        case when unattributed_reason is null then creative_id end as creative_id,
        case when unattributed_reason is null then offer_id end as offer_id,
        conversion_source,
        network,
        case when unattributed_reason is null then source_type end as source_type,
        case when unattributed_reason is null then channel end as channel,
        unattributed_reason,
        window_source,
        revenue,
        attribution_window_hours,
        unattributed_reason is null as is_attributed,
        conversion_date,
        converted_at,
        clicked_at
    from conversions_matched_to_clicks
)

select * from conversions_credited
