-- docs/attribution.md#order-attribution-rules: an order is credited to at most one source, and source_id is
-- the id column of its source_type
with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

violations as (
    select
        workspace_id,
        order_id,
        attribution_method,
        source_type,
        source_id
    from attribution
    where
        (source_type = 'campaign' and (campaign_id is null or campaign_id != source_id))
        or (source_type = 'flow' and (flow_id is null or flow_id != source_id))
        or (source_type = 'helpdesk' and (agent_id is null or agent_id != source_id))
        or (source_type = 'popup' and (popup_id is null or popup_id != source_id))
        or (
            case when campaign_id is null then 0 else 1 end
            + case when flow_id is null then 0 else 1 end
            + case when agent_id is null then 0 else 1 end
            + case when popup_id is null then 0 else 1 end
        ) != case when source_type is null then 0 else 1 end
        or (attribution_method = 'link' and source_type != 'helpdesk')
        or (attribution_method = 'last_touch' and source_type not in ('campaign', 'flow'))
        or (attribution_method = 'coupon' and (coupon_code is null or source_type = 'helpdesk'))
        or (attribution_method = 'coupon' and not is_coupon_attribution_enabled)
)

select * from violations
