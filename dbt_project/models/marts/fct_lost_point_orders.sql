-- The orders that can stand behind a ranked unit's lost points, with their times (for the report
-- cards, bulletin.md "Each unit's report card"): every dispatched order of the month of a ranked
-- unit that was signed late, completed late or rated 不满意. The evidence ids of fct_explanations
-- say which of them explain a lost point; this mart gives their times. No phone, no content.
-- An order whose appeal was upheld no longer stands behind a lost point (int_order_unit_flags).
with ranked_units as (
    select unit_code
    from {{ ref('fct_unit_scores') }}
    where month = {{ month_var() }}
      and is_ranked
),

flagged_orders as (
    select order_id, unit_code, sign_late, completion_late, unsatisfied
    from {{ ref('int_order_unit_flags') }}
    where month = {{ month_var() }}
      and (sign_late or completion_late or unsatisfied)
),

order_times as (
    select
        order_id,
        received_at,
        dispatched_at,
        sign_deadline,
        signed_at,
        due_at,
        completed_at,
        dispatch_level,
        visit_result
    from {{ ref('int_order_deadlines') }}
    where month = {{ month_var() }}
)

select
    {{ month_var() }} as month,
    flagged_orders.unit_code,
    flagged_orders.order_id,
    order_times.dispatch_level,
    order_times.received_at,
    order_times.dispatched_at,
    order_times.sign_deadline,
    order_times.signed_at,
    order_times.due_at,
    order_times.completed_at,
    order_times.visit_result,
    flagged_orders.sign_late,
    flagged_orders.completion_late,
    flagged_orders.unsatisfied
from flagged_orders
inner join ranked_units on ranked_units.unit_code = flagged_orders.unit_code
inner join order_times on order_times.order_id = flagged_orders.order_id
