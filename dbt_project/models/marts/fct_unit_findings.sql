-- Units with 首次回应 failures, late 知识储备 tasks or 实例拨测 deductions in the month (bulletin
-- section 四.2 (5) and 四.3), any group; test_call_reasons are the distinct reasons of the calls with
-- a deduction, joined by 、 in the order they first occurred.
with month_units as (
    select unit_code, unit_name
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

unit_counts as (
    select unit_code, first_response_failed, knowledge_late, test_call_deduction
    from {{ ref('int_unit_handling_counts') }}
    where month = {{ month_var() }}
),

call_reasons as (
    select
        unit_code,
        reason,
        min(called_at) as first_called_at,
        min(call_id) as first_call_id
    from {{ ref('stg_test_calls') }}
    where month = {{ month_var() }}
      and deduction > 0
      and reason is not null
    group by unit_code, reason
),

unit_reasons as (
    select
        unit_code,
        {{ sorted_string_agg('reason', "'、'", order_by=['first_called_at', 'first_call_id']) }} as test_call_reasons
    from call_reasons
    group by unit_code
)

select
    {{ month_var() }} as month,
    unit_counts.unit_code,
    month_units.unit_name,
    unit_counts.first_response_failed,
    unit_counts.knowledge_late,
    {{ round2('unit_counts.test_call_deduction') }} as test_call_deduction,
    unit_reasons.test_call_reasons
from unit_counts
inner join month_units on month_units.unit_code = unit_counts.unit_code
left join unit_reasons on unit_reasons.unit_code = unit_counts.unit_code
where unit_counts.first_response_failed > 0
   or unit_counts.knowledge_late > 0
   or unit_counts.test_call_deduction > 0
