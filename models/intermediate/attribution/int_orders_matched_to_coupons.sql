{%- set include_fixed_codes = var('coupon_include_fixed_codes', false) | string | lower in ['true', '1', 'yes'] -%}

with

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

order_settings as (
    select * from {{ ref('int_orders_matched_to_settings') }}
),

coupons as (
    select * from {{ ref('stg_raw__coupons') }}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

flows as (
    select * from {{ ref('stg_raw__flows') }}
),

latest_touches as (
    select * from {{ ref('int_orders_matched_to_last_touch') }}
),

-- docs/attribution.md#coupon: codes are split on commas, trimmed and compared case-insensitively
order_codes_normalized as (
    {{ normalized_order_codes('orders', extra_columns=['created_at']) }}
),

eligible_coupons as (
    select
        coupons.workspace_id,
        coupons.coupon_code,
        coupons.coupon_code_as_defined,
        coupons.source_type,
        coupons.source_id,
        coupons.contact_id,
        coalesce(campaigns.channel, flows.channel) as channel,
        coupons.is_generated_by_platform,
        coupons.distributed_at,
        -- docs/attribution.md#coupon: a campaign's code counts only until published_at + coupon_campaign_max_age_days;
        -- a campaign with no published_at ages from the code's distribution (docs/attribution.md)
        case
            when coupons.source_type = 'campaign'
                then {{ dbt.dateadd(
                    'day',
                    var('coupon_campaign_max_age_days', 30),
                    'coalesce(campaigns.published_at, coupons.distributed_at)'
                ) }}
        end as expires_at
    from coupons
    left join campaigns
        on
            coupons.workspace_id = campaigns.workspace_id
            and coupons.source_type = 'campaign'
            and coupons.source_id = campaigns.campaign_id
    left join flows
        on
            coupons.workspace_id = flows.workspace_id
            and coupons.source_type = 'flow'
            and coupons.source_id = flows.flow_id
    where
        -- docs/attribution.md#coupon: only platform-generated codes, unless var('coupon_include_fixed_codes')
        (coupons.is_generated_by_platform or {{ include_fixed_codes }})
        -- docs/attribution.md#coupon: only sources in var('coupon_source_types')
        and coupons.source_type in {{ attribution_var_values('coupon_source_types') }}
),

candidates as (
    select
        order_codes_normalized.workspace_id,
        order_codes_normalized.order_id,
        eligible_coupons.coupon_code,
        eligible_coupons.coupon_code_as_defined,
        eligible_coupons.source_type,
        eligible_coupons.source_id,
        eligible_coupons.contact_id as coupon_contact_id,
        eligible_coupons.channel,
        eligible_coupons.is_generated_by_platform,
        eligible_coupons.distributed_at,
        eligible_coupons.expires_at,
        order_codes_normalized.created_at,
        row_number() over (
            partition by order_codes_normalized.workspace_id, order_codes_normalized.order_id
            -- docs/attribution.md#coupon: latest distributed_at, then campaign before flow before popup, then the
            -- greater source_id; the code and its contact only make the choice deterministic
            order by
                eligible_coupons.distributed_at desc,
                case eligible_coupons.source_type
                    when 'campaign' then 1
                    when 'flow' then 2
                    when 'popup' then 3
                end,
                eligible_coupons.source_id desc,
                eligible_coupons.coupon_code desc,
                eligible_coupons.contact_id desc nulls last
        ) as candidate_rank
    from order_codes_normalized
    inner join order_settings
        on
            order_codes_normalized.workspace_id = order_settings.workspace_id
            and order_codes_normalized.order_id = order_settings.order_id
    inner join eligible_coupons
        on
            order_codes_normalized.workspace_id = eligible_coupons.workspace_id
            and order_codes_normalized.coupon_code = eligible_coupons.coupon_code
    where
        -- docs/attribution.md#settings-in-force: coupons count only when enabled in the settings in force for the order
        order_settings.is_coupon_attribution_enabled
        -- docs/attribution.md#coupon: a code counts from its distribution on ...
        and eligible_coupons.distributed_at <= order_codes_normalized.created_at
        -- docs/attribution.md#coupon: ... and a campaign's code only until its campaign is max-age days old
        and (
            eligible_coupons.expires_at is null
            or order_codes_normalized.created_at <= eligible_coupons.expires_at
        )
),

final as (
    select
        candidates.workspace_id,
        candidates.order_id,
        -- the code as its coupons row spells it, not the order's normalised text
        candidates.coupon_code_as_defined as coupon_code,
        candidates.source_type,
        candidates.source_id,
        -- docs/attribution.md#coupon: the code's own contact, else the stitched contact with the latest touch
        -- before the order (of any age: docs/attribution.md), else null
        coalesce(candidates.coupon_contact_id, latest_touches.contact_id) as contact_id,
        case
            when candidates.coupon_contact_id is not null then 'coupon'
            when latest_touches.contact_id is not null then 'latest_touch'
        end as contact_source,
        candidates.channel,
        candidates.is_generated_by_platform,
        candidates.distributed_at,
        candidates.expires_at,
        candidates.created_at
    from candidates
    left join latest_touches
        on
            candidates.workspace_id = latest_touches.workspace_id
            and candidates.order_id = latest_touches.order_id
    where candidates.candidate_rank = 1
)

select * from final
