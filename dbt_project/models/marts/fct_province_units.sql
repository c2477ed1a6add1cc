-- 省派工单 by unit (bulletin 三.2): every unit with 省派 orders in the month's export.
with province_flags as (
    select *
    from {{ ref('int_order_unit_flags') }}
    where month = {{ month_var() }}
      and dispatch_level = '省派'
),

month_units as (
    select unit_code, unit_name
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

province_counts_by_unit as (
    select
        unit_code,
        cast(count(*) as bigint) as orders,
        {{ count_true('due_in_month') }} as due,
        {{ count_true('completion_late') }} as late,
        {{ count_true('completed_on_time') }} as completed_on_time,
        {{ count_true('rated') }} as rated,
        {{ count_true('satisfied') }} as satisfied
    from province_flags
    group by unit_code
)

select
    {{ month_var() }} as month,
    province_counts_by_unit.unit_code,
    month_units.unit_name,
    province_counts_by_unit.orders,
    province_counts_by_unit.due,
    province_counts_by_unit.late,
    {{ round2(exact_rate('province_counts_by_unit.completed_on_time', 'province_counts_by_unit.due')) }}
        as on_time_rate,
    province_counts_by_unit.rated,
    province_counts_by_unit.satisfied,
    {{ round2(exact_rate('province_counts_by_unit.satisfied', 'province_counts_by_unit.rated')) }}
        as satisfaction_rate
from province_counts_by_unit
left join month_units
    on month_units.unit_code = province_counts_by_unit.unit_code
