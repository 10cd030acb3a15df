with

base as (
    select * from {{ ref('base_raw__fx_rates') }}
),

direct_rates as (
    select
        from_currency,
        to_currency,
        rate,
        rate_date
    from base
    where rejection_reason is null
),

-- a pair quoted only the other way round converts at the inverse rate
inverse_rates as (
    select
        direct_rates.to_currency as from_currency,
        direct_rates.from_currency as to_currency,
        1.0 / direct_rates.rate as rate,
        direct_rates.rate_date
    from direct_rates
    left join direct_rates as quoted
        on
            direct_rates.to_currency = quoted.from_currency
            and direct_rates.from_currency = quoted.to_currency
            and direct_rates.rate_date = quoted.rate_date
    where quoted.rate is null
),

all_rates as (
    select * from direct_rates
    union all
    select * from inverse_rates
),

-- a rate holds from its date until the next quote of the same pair
with_validity as (
    select
        from_currency,
        to_currency,
        rate,
        rate_date,
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by from_currency, to_currency order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to
    from all_rates
)

select * from with_validity
