-- The three lowest units per indicator (bulletin section 四.2): over units of the three ranked
-- groups that have a denominator, rate lowest first, then unit_code. `satisfaction` is the 市派
-- rate (the 省派 rate has its own list in section 三). Rates rounded to 2 decimals, as shown.
with unit_scores as (
    select *
    from {{ ref('fct_unit_scores') }}
    where month = {{ month_var() }}
),

indicator_rates as (
    select 'timely_sign' as indicator, unit_code, unit_name, timely_sign_rate as rate
    from unit_scores
    where sign_total > 0

    union all

    select 'on_time_completion' as indicator, unit_code, unit_name, on_time_completion_rate as rate
    from unit_scores
    where due_total > 0

    union all

    select 'satisfaction' as indicator, unit_code, unit_name, satisfaction_city_rate as rate
    from unit_scores
    where city_rated > 0
),

positioned as (
    select
        indicator,
        cast(row_number() over (partition by indicator order by rate, unit_code) as bigint) as position,
        unit_code,
        unit_name,
        rate
    from indicator_rates
)

select
    {{ month_var() }} as month,
    indicator,
    position,
    unit_code,
    unit_name,
    rate
from positioned
where position <= 3
