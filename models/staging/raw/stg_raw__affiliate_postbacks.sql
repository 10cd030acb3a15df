with

base as (
    select * from {{ ref('base_raw__affiliate_postbacks') }}
),

usable as (
    select
        workspace_id,
        postback_id,
        network,
        click_id,
        conversion_id,
        payout_currency,
        payout,
        fx_rate,
        revenue,
        conversion_date,
        converted_at,
        received_at
    from base
    where rejection_reason is null
)

select * from usable
