-- One row per dispatched order of the month: the flags of int_order_flags as the unit's own
-- indicators count them, after the unit's upheld appeals (rules.md "Upheld appeals"). An upheld
-- 及时签收率 appeal counts the order as signed in time, 按时办结率 as completed on time, and
-- 回访满意率 leaves the order's rating out. Platform-wide figures keep reading int_order_flags.
with order_flags as (
    select *
    from {{ ref('int_order_flags') }}
    where month = {{ month_var() }}
),

-- two upheld appeals on the same order and item count once
upheld_items as (
    select
        order_id,
        unit_code,
        max(case when item = '及时签收率' then 1 else 0 end) as sign_upheld,
        max(case when item = '按时办结率' then 1 else 0 end) as completion_upheld,
        max(case when item = '回访满意率' then 1 else 0 end) as satisfaction_upheld
    from {{ ref('stg_appeals') }}
    where month = {{ month_var() }}
        and decision = '通过'
    group by order_id, unit_code
),

flags_with_appeals as (
    select
        order_flags.*,
        coalesce(upheld_items.sign_upheld, 0) = 1 and order_flags.sign_late as sign_appeal_upheld,
        coalesce(upheld_items.completion_upheld, 0) = 1 and order_flags.completion_late
            as completion_appeal_upheld,
        coalesce(upheld_items.satisfaction_upheld, 0) = 1 and order_flags.unsatisfied
            as satisfaction_appeal_upheld
    from order_flags
    left join upheld_items
        on upheld_items.order_id = order_flags.order_id
        and upheld_items.unit_code = order_flags.unit_code
)

select
    month,
    order_id,
    unit_code,
    dispatch_level,
    supervision,
    dispatched_in_month,
    sign_counted,
    signed_on_time or sign_appeal_upheld as signed_on_time,
    sign_late and not sign_appeal_upheld as sign_late,
    due_in_month,
    completed_on_time or completion_appeal_upheld as completed_on_time,
    completion_late and not completion_appeal_upheld as completion_late,
    completed_in_month,
    rated and not satisfaction_appeal_upheld as rated,
    satisfied,
    unsatisfied and not satisfaction_appeal_upheld as unsatisfied,
    carried_over,
    sign_appeal_upheld,
    completion_appeal_upheld,
    satisfaction_appeal_upheld
from flags_with_appeals
