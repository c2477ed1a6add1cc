-- 省派工单情况 (bulletin 三): one row for the month. Counts over the accepted 省派 orders of the
-- export (received in M and carried over); previous_count/change against M-1 only when M-1 has
-- orders in the warehouse (any row of raw.orders for M-1), else null.
with province_flags as (
    select *
    from {{ ref('int_order_flags') }}
    where month = {{ month_var() }}
      and dispatch_level = '省派'
),

province_figures as (
    select
        cast(count(*) as bigint) as order_count,
        {{ count_true('supervision') }} as supervision_count,
        cast(count(distinct unit_code) as bigint) as unit_count,
        {{ count_true('due_in_month') }} as due,
        {{ count_true('completion_late') }} as late,
        {{ count_true('completed_on_time') }} as completed_on_time,
        {{ count_true('rated') }} as rated,
        {{ count_true('satisfied') }} as satisfied
    from province_flags
),

previous_month_loaded as (
    select cast(count(*) as bigint) as raw_rows
    from {{ source('raw', 'orders') }}
    where month = {{ previous_month() }}
),

previous_month_province_orders as (
    select cast(count(*) as bigint) as order_count
    from {{ ref('stg_orders') }}
    where month = {{ previous_month() }}
      and handling = '交办'
      and dispatch_level = '省派'
),

previous_count as (
    select
        case when previous_month_loaded.raw_rows > 0
             then previous_month_province_orders.order_count
        end as order_count
    from previous_month_loaded
    cross join previous_month_province_orders
)

select
    {{ month_var() }} as month,
    province_figures.order_count as {{ adapter.quote('count') }},
    previous_count.order_count as previous_count,
    province_figures.order_count - previous_count.order_count as change,
    province_figures.supervision_count,
    province_figures.unit_count,
    province_figures.due,
    province_figures.late,
    {{ round2(exact_rate('province_figures.completed_on_time', 'province_figures.due')) }} as on_time_rate,
    province_figures.rated,
    province_figures.satisfied,
    {{ round2(exact_rate('province_figures.satisfied', 'province_figures.rated')) }} as satisfaction_rate
from province_figures
cross join previous_count
