-- Per unit of the month: the numerators and denominators of every handling indicator
-- (rules.md "Unit indicators"). Every unit of stg_units appears, whatever its group, with 0 where
-- it has nothing; the scores, ranking and lists pick the units they need.
with month_units as (
    select unit_code, unit_group
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

order_flags as (
    select *
    from {{ ref('int_order_unit_flags') }}
    where month = {{ month_var() }}
),

order_counts as (
    select
        unit_code,
        cast(count(*) as bigint) as orders,
        {{ count_where('completed_in_month') }} as completed_in_month,
        {{ count_where('sign_counted') }} as sign_total,
        {{ count_where('signed_on_time') }} as sign_on_time,
        {{ count_where('sign_late') }} as sign_late,
        {{ count_where('due_in_month') }} as due_total,
        {{ count_where('completed_on_time') }} as on_time_total,
        {{ count_where('completion_late') }} as late_total,
        {{ count_where("rated and dispatch_level = '市派'") }} as city_rated,
        {{ count_where("satisfied and dispatch_level = '市派'") }} as city_satisfied,
        {{ count_where("unsatisfied and dispatch_level = '市派'") }} as city_unsatisfied,
        {{ count_where("rated and dispatch_level = '省派'") }} as province_rated,
        {{ count_where("satisfied and dispatch_level = '省派'") }} as province_satisfied,
        {{ count_where("unsatisfied and dispatch_level = '省派'") }} as province_unsatisfied
    from order_flags
    group by unit_code
),

inspection_counts as (
    select
        unit_code,
        {{ count_where("item = '首次回应'") }} as first_response_total,
        {{ count_where("item = '首次回应' and passed = false") }} as first_response_failed,
        {{ count_where("item = '答复规范'") }} as reply_inspections,
        {{ count_where("item = '答复规范' and passed = false") }} as reply_findings,
        {{ count_where('passed = false') }} as failed_inspections
    from {{ ref('stg_inspections') }}
    where month = {{ month_var() }}
    group by unit_code
),

knowledge_counts as (
    select
        unit_code,
        cast(count(*) as bigint) as knowledge_tasks,
        -- late: submitted after due_at, or not at all
        {{ count_where('submitted_at is null or submitted_at > due_at') }} as knowledge_late
    from {{ ref('stg_knowledge_tasks') }}
    where month = {{ month_var() }}
    group by unit_code
),

test_call_counts as (
    select
        unit_code,
        cast(count(*) as bigint) as test_calls,
        {{ count_where('deduction > 0') }} as test_calls_deducted,
        {{ exact('coalesce(sum(deduction), 0)') }} as test_call_deduction
    from {{ ref('stg_test_calls') }}
    where month = {{ month_var() }}
    group by unit_code
)

select
    {{ month_var() }} as month,
    month_units.unit_code,
    month_units.unit_group,
    coalesce(order_counts.orders, 0) as orders,
    coalesce(order_counts.completed_in_month, 0) as completed_in_month,
    coalesce(order_counts.sign_total, 0) as sign_total,
    coalesce(order_counts.sign_on_time, 0) as sign_on_time,
    coalesce(order_counts.sign_late, 0) as sign_late,
    coalesce(order_counts.due_total, 0) as due_total,
    coalesce(order_counts.on_time_total, 0) as on_time_total,
    coalesce(order_counts.late_total, 0) as late_total,
    coalesce(order_counts.city_rated, 0) as city_rated,
    coalesce(order_counts.city_satisfied, 0) as city_satisfied,
    coalesce(order_counts.city_unsatisfied, 0) as city_unsatisfied,
    coalesce(order_counts.province_rated, 0) as province_rated,
    coalesce(order_counts.province_satisfied, 0) as province_satisfied,
    coalesce(order_counts.province_unsatisfied, 0) as province_unsatisfied,
    coalesce(inspection_counts.first_response_total, 0) as first_response_total,
    coalesce(inspection_counts.first_response_failed, 0) as first_response_failed,
    coalesce(inspection_counts.reply_inspections, 0) as reply_inspections,
    coalesce(inspection_counts.reply_findings, 0) as reply_findings,
    coalesce(inspection_counts.failed_inspections, 0) as failed_inspections,
    coalesce(knowledge_counts.knowledge_tasks, 0) as knowledge_tasks,
    coalesce(knowledge_counts.knowledge_late, 0) as knowledge_late,
    coalesce(test_call_counts.test_calls, 0) as test_calls,
    coalesce(test_call_counts.test_calls_deducted, 0) as test_calls_deducted,
    coalesce(test_call_counts.test_call_deduction, {{ exact(0) }}) as test_call_deduction
from month_units
left join order_counts on order_counts.unit_code = month_units.unit_code
left join inspection_counts on inspection_counts.unit_code = month_units.unit_code
left join knowledge_counts on knowledge_counts.unit_code = month_units.unit_code
left join test_call_counts on test_call_counts.unit_code = month_units.unit_code
