-- Dispatched orders of the month with their sign and completion deadlines: the exported ones,
-- or, where the export left them empty, the same clock time on the N-th working day after the
-- dispatch date (N from the month's time limits by kind, dispatch level and category).
with dispatched_orders as (
    select *
    from {{ ref('stg_orders') }}
    where month = {{ month_var() }}
      and handling = '交办'
),

calendar_days as (
    select calendar_date, is_workday
    from {{ ref('stg_working_calendar') }}
),

-- workday_number of a date = number of working days up to and including it, so that the last
-- working day on or before any date shares its number and the N-th working day after a date
-- is the working day numbered workday_number + N.
numbered_days as (
    select
        calendar_date,
        is_workday,
        cast(sum(case when is_workday then 1 else 0 end) over (
            order by calendar_date rows between unbounded preceding and current row
        ) as bigint) as workday_number
    from calendar_days
),

workdays as (
    select calendar_date, workday_number
    from numbered_days
    where is_workday
),

month_time_limits as (
    select kind, dispatch_level, category, working_days
    from {{ ref('stg_rulebook_time_limits') }}
    where month = {{ month_var() }}
),

orders_with_limits as (
    select
        dispatched_orders.*,
        cast(dispatched_orders.dispatched_at as date) as dispatch_date,
        {{ seconds_between(
            'cast(cast(dispatched_orders.dispatched_at as date) as timestamp)',
            'dispatched_orders.dispatched_at'
        ) }} as dispatch_second_of_day,
        sign_limits.working_days as sign_working_days,
        complete_limits.working_days as complete_working_days
    from dispatched_orders
    left join month_time_limits as sign_limits
        on sign_limits.kind = 'sign'
        and sign_limits.dispatch_level = dispatched_orders.dispatch_level
        and sign_limits.category = dispatched_orders.category
    left join month_time_limits as complete_limits
        on complete_limits.kind = 'complete'
        and complete_limits.dispatch_level = dispatched_orders.dispatch_level
        and complete_limits.category = dispatched_orders.category
),

orders_with_deadline_dates as (
    select
        orders_with_limits.*,
        sign_day.calendar_date as sign_deadline_date,
        complete_day.calendar_date as due_date
    from orders_with_limits
    left join numbered_days as dispatch_day
        on dispatch_day.calendar_date = orders_with_limits.dispatch_date
    left join workdays as sign_day
        on sign_day.workday_number = dispatch_day.workday_number + orders_with_limits.sign_working_days
    left join workdays as complete_day
        on complete_day.workday_number = dispatch_day.workday_number + orders_with_limits.complete_working_days
),

orders_with_computed_deadlines as (
    select
        orders_with_deadline_dates.*,
        {{ dbt.dateadd('second', 'dispatch_second_of_day', 'cast(sign_deadline_date as timestamp)') }}
            as computed_sign_deadline,
        {{ dbt.dateadd('second', 'dispatch_second_of_day', 'cast(due_date as timestamp)') }}
            as computed_due_at
    from orders_with_deadline_dates
)

select
    month,
    order_id,
    received_at,
    channel,
    category,
    dispatch_level,
    supervision,
    unit_code,
    dispatched_at,
    coalesce(sign_deadline, computed_sign_deadline) as sign_deadline,
    sign_deadline is null as sign_deadline_computed,
    signed_at,
    coalesce(due_at, computed_due_at) as due_at,
    due_at is null as due_at_computed,
    completed_at,
    visit_result
from orders_with_computed_deadlines
