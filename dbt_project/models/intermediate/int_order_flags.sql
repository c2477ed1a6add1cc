-- One row per dispatched order of the month: the booleans every unit, platform and province
-- indicator counts (rules.md, "Unit indicators"). M runs from month_start to cutoff.
with order_deadlines as (
    select *
    from {{ ref('int_order_deadlines') }}
    where month = {{ month_var() }}
),

order_periods as (
    select
        order_deadlines.*,
        coalesce(dispatched_at >= {{ month_start() }} and dispatched_at < {{ month_cutoff() }}, false)
            as is_dispatched_in_month,
        coalesce(due_at >= {{ month_start() }} and due_at < {{ month_cutoff() }}, false)
            as is_due_in_month,
        coalesce(completed_at >= {{ month_start() }} and completed_at < {{ month_cutoff() }}, false)
            as is_completed_in_month
    from order_deadlines
),

order_sign_completion as (
    select
        order_periods.*,
        -- timely sign: dispatched in M and either its deadline passed before the cutoff or it is signed
        is_dispatched_in_month
            and coalesce(sign_deadline < {{ month_cutoff() }} or signed_at is not null, false)
            as is_sign_counted,
        coalesce(signed_at <= sign_deadline, false) as is_signed_by_deadline,
        coalesce(completed_at <= due_at, false) as is_completed_by_due,
        is_completed_in_month
            and coalesce(visit_result in ('满意', '基本满意', '不满意'), false) as is_rated
    from order_periods
)

select
    month,
    order_id,
    unit_code,
    dispatch_level,
    supervision,
    is_dispatched_in_month as dispatched_in_month,
    is_sign_counted as sign_counted,
    is_sign_counted and is_signed_by_deadline as signed_on_time,
    is_sign_counted and not is_signed_by_deadline as sign_late,
    is_due_in_month as due_in_month,
    is_due_in_month and is_completed_by_due as completed_on_time,
    -- late includes an order due in M and not completed by the cutoff
    is_due_in_month and not is_completed_by_due as completion_late,
    is_completed_in_month as completed_in_month,
    is_rated as rated,
    is_rated and visit_result in ('满意', '基本满意') as satisfied,
    is_rated and visit_result = '不满意' as unsatisfied,
    coalesce(received_at < {{ month_start() }}, false) as carried_over
from order_sign_completion
