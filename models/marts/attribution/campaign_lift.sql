{%- set min_group_size = var('lift_min_group_size', 100) -%}
-- docs/attribution.md#holdout-lift: what a campaign or flow caused, measured against the
-- contacts held out of it
with

contacts as (
    select * from {{ ref('int_holdout_contacts_converted') }}
),

groups as (
    select
        workspace_id,
        source_type,
        source_id,
        count(case when holdout_group = 'treatment' then 1 end) as treatment_contacts,
        count(case when holdout_group = 'control' then 1 end) as control_contacts,
        count(case when holdout_group = 'treatment' and is_converted then 1 end) as treatment_converters,
        count(case when holdout_group = 'control' and is_converted then 1 end) as control_converters,
        sum(case when holdout_group = 'treatment' then net_revenue else 0 end) as treatment_revenue,
        sum(case when holdout_group = 'control' then net_revenue else 0 end) as control_revenue
    from contacts
    group by workspace_id, source_type, source_id
),

rates as (
    select
        *,
        {{ safe_divide('treatment_converters', 'treatment_contacts') }} as treatment_conversion_rate,
        {{ safe_divide('control_converters', 'control_contacts') }} as control_conversion_rate,
        {{ safe_divide('treatment_revenue', 'treatment_contacts') }} as treatment_revenue_per_contact,
        {{ safe_divide('control_revenue', 'control_contacts') }} as control_revenue_per_contact,
        {{ safe_divide(
            'treatment_converters + control_converters', 'treatment_contacts + control_contacts'
        ) }} as pooled_conversion_rate
    from groups
),

-- the normal approximation of the difference of two proportions: unpooled for the interval,
-- pooled (no difference assumed) for the z-test
errors as (
    select
        *,
        treatment_conversion_rate - control_conversion_rate as absolute_lift,
        sqrt(
            treatment_conversion_rate * (1 - treatment_conversion_rate) / nullif(treatment_contacts, 0)
            + control_conversion_rate * (1 - control_conversion_rate) / nullif(control_contacts, 0)
        ) as lift_standard_error,
        sqrt(
            pooled_conversion_rate * (1 - pooled_conversion_rate)
            * (1.0 / nullif(treatment_contacts, 0) + 1.0 / nullif(control_contacts, 0))
        ) as pooled_standard_error
    from rates
),

tested as (
    select
        *,
        case
            -- nobody or everybody converted: no difference, nothing against it
            when pooled_standard_error = 0 then cast(1 as double)
            else {{ two_sided_p_value('absolute_lift / pooled_standard_error') }}
        end as p_value
    from errors
),

final as (
    select
        workspace_id,
        source_type,
        source_id,
        treatment_contacts,
        control_contacts,
        treatment_converters,
        control_converters,
        treatment_conversion_rate,
        control_conversion_rate,
        cast(treatment_revenue as decimal(18, 2)) as treatment_revenue,
        cast(control_revenue as decimal(18, 2)) as control_revenue,
        treatment_revenue_per_contact,
        control_revenue_per_contact,
        absolute_lift,
        {{ safe_divide('absolute_lift', 'control_conversion_rate') }} as relative_lift,
        absolute_lift - {{ normal_quantile_975() }} * lift_standard_error as lift_ci_low,
        absolute_lift + {{ normal_quantile_975() }} * lift_standard_error as lift_ci_high,
        p_value,
        absolute_lift * treatment_contacts as incremental_conversions,
        (treatment_revenue_per_contact - control_revenue_per_contact) * treatment_contacts as incremental_revenue,
        coalesce(
            p_value < 0.05
            and treatment_contacts >= {{ min_group_size }}
            and control_contacts >= {{ min_group_size }},
            false
        ) as is_significant,
        case
            when treatment_contacts < {{ min_group_size }} and control_contacts < {{ min_group_size }}
                then 'both groups have fewer than {{ min_group_size }} contacts'
            when treatment_contacts < {{ min_group_size }}
                then 'the treatment group has fewer than {{ min_group_size }} contacts'
            when control_contacts < {{ min_group_size }}
                then 'the control group has fewer than {{ min_group_size }} contacts'
        end as sample_warning
    from tested
)

select * from final
