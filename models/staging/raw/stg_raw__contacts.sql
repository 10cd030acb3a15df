with

base as (
    select * from {{ ref('base_raw__contacts') }}
),

usable as (
    select
        workspace_id,
        contact_id,
        channel,
        email_normalized,
        phone_e164,
        country_code,
        signup_source,
        region,
        created_at
    from base
    where rejection_reason is null
)

select * from usable
