-- Why a ranked unit lost points (rules.md "Explanations"): one row per ranked unit and handling
-- item with points lost, the one-line reason in the bulletin's phrasing and the ids behind it
-- (comma-joined, sorted). Points in a reason: 2 decimals, trailing zeros dropped (0分, 5分, 11.19分).
with ranked_units as (
    select unit_code, unit_name
    from {{ ref('fct_unit_scores') }}
    where month = {{ month_var() }}
      and is_ranked
),

unit_counts as (
    select *
    from {{ ref('int_unit_handling_counts') }}
    where month = {{ month_var() }}
),

items_with_loss as (
    select unit_code, item, item_order, points, points_lost
    from {{ ref('int_unit_item_points') }}
    where month = {{ month_var() }}
      and points_lost > 0
),

satisfaction_params as (
    select city_target, province_target
    from ({{ rulebook_items() }}) as rulebook_items
    where item = '回访满意率'
),

-- which satisfaction parts deduct: rated orders and a rate below its target (compared without division)
satisfaction_parts as (
    select
        unit_counts.unit_code,
        unit_counts.city_rated > 0
            and unit_counts.city_satisfied * 100 < satisfaction_params.city_target * unit_counts.city_rated
            as city_deducts,
        unit_counts.province_rated > 0
            and unit_counts.province_satisfied * 100 < satisfaction_params.province_target * unit_counts.province_rated
            as province_deducts
    from unit_counts
    cross join satisfaction_params
),

order_flags as (
    select *
    from {{ ref('int_order_unit_flags') }}
    where month = {{ month_var() }}
),

inspections as (
    select *
    from {{ ref('stg_inspections') }}
    where month = {{ month_var() }}
),

test_calls as (
    select *
    from {{ ref('stg_test_calls') }}
    where month = {{ month_var() }}
),

evidence as (
    select unit_code, '及时签收率' as item, order_id as evidence_id
    from order_flags
    where sign_late

    union all

    select unit_code, '按时办结率' as item, order_id as evidence_id
    from order_flags
    where completion_late

    union all

    select order_flags.unit_code, '回访满意率' as item, order_flags.order_id as evidence_id
    from order_flags
    inner join satisfaction_parts on satisfaction_parts.unit_code = order_flags.unit_code
    where order_flags.unsatisfied
      and ((order_flags.dispatch_level = '市派' and satisfaction_parts.city_deducts)
        or (order_flags.dispatch_level = '省派' and satisfaction_parts.province_deducts))

    union all

    select unit_code, '答复规范' as item, inspection_id as evidence_id
    from inspections
    where item = '答复规范' and passed = false

    union all

    select unit_code, '首次回应率' as item, inspection_id as evidence_id
    from inspections
    where item = '首次回应' and passed = false

    union all

    select unit_code, '知识储备' as item, task_id as evidence_id
    from {{ ref('stg_knowledge_tasks') }}
    where month = {{ month_var() }}
      and (submitted_at is null or submitted_at > due_at)

    union all

    select unit_code, '实例拨测' as item, call_id as evidence_id
    from test_calls
    where deduction > 0
),

evidence_lists as (
    select
        unit_code,
        item,
        {{ sorted_string_agg('evidence_id', "','") }} as evidence_ids
    from evidence
    group by unit_code, item
),

call_reasons as (
    select unit_code, reason, min(called_at) as first_called_at, min(call_id) as first_call_id
    from test_calls
    where deduction > 0 and reason is not null
    group by unit_code, reason
),

unit_call_reasons as (
    select
        unit_code,
        {{ sorted_string_agg('reason', "'、'", order_by=['first_called_at', 'first_call_id']) }} as reasons
    from call_reasons
    group by unit_code
),

explained as (
    select
        items_with_loss.unit_code,
        ranked_units.unit_name,
        items_with_loss.item,
        items_with_loss.item_order,
        items_with_loss.points_lost,
        case items_with_loss.item
            when '及时签收率' then
                {{ count_text('unit_counts.sign_total') }} || '件工单中' || {{ count_text('unit_counts.sign_late') }}
                || '件超时签收，导致及时签收率得分为'
            when '按时办结率' then
                {{ count_text('unit_counts.due_total') }} || '件应办结工单中' || {{ count_text('unit_counts.late_total') }}
                || '件超时办结，导致按时办结率得分为'
            when '回访满意率' then
                concat_ws('，',
                    case when satisfaction_parts.city_deducts then
                        {{ count_text('unit_counts.city_rated') }} || '件市派工单中市民评价不满意'
                        || {{ count_text('unit_counts.city_unsatisfied') }} || '件'
                    end,
                    case when satisfaction_parts.province_deducts then
                        {{ count_text('unit_counts.province_rated') }} || '件省派工单中市民评价不满意'
                        || {{ count_text('unit_counts.province_unsatisfied') }} || '件'
                    end
                ) || '，导致回访满意率得分为'
            when '答复规范' then
                '抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为'
            when '首次回应率' then
                '抽检' || {{ count_text('unit_counts.first_response_total') }} || '件工单中'
                || {{ count_text('unit_counts.first_response_failed') }}
                || '件未在规定时间内联系服务对象，导致首次回应率得分为'
            when '知识储备' then
                {{ count_text('unit_counts.knowledge_late') }} || '项知识库内容未及时填报，导致知识储备得分为'
            when '实例拨测' then
                '实例拨测发现' || coalesce(unit_call_reasons.reasons, '') || '问题，扣'
                || {{ format_points('unit_counts.test_call_deduction') }} || '分，导致实例拨测得分为'
        end || {{ format_points('items_with_loss.points') }} || '分' as reason,
        evidence_lists.evidence_ids
    from items_with_loss
    inner join ranked_units on ranked_units.unit_code = items_with_loss.unit_code
    inner join unit_counts on unit_counts.unit_code = items_with_loss.unit_code
    inner join satisfaction_parts on satisfaction_parts.unit_code = items_with_loss.unit_code
    left join unit_call_reasons on unit_call_reasons.unit_code = items_with_loss.unit_code
    left join evidence_lists
        on evidence_lists.unit_code = items_with_loss.unit_code
        and evidence_lists.item = items_with_loss.item
)

select
    {{ month_var() }} as month,
    unit_code,
    unit_name,
    item,
    {{ round2('points_lost') }} as points_lost,
    reason,
    evidence_ids,
    item_order
from explained
