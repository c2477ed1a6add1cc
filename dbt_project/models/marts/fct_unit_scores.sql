-- Scores of every unit of a ranked group for the month (a group the month's rulebook version gives
-- full marks, dim_units.is_ranked_group): item points, workload bonus, the county blocks (units with
-- county data-quality rows), the total and the rank (rules.md "Points", "Who is ranked", "Ranking,
-- rounding and display"). Units of unranked groups (不参与考评) are left out.
--   * items, bonus and blocks are shown rounded to 2 decimals; `total` is the exact sum rounded once
--     (half away from zero), capped at the group's full marks;
--   * ranked = has dispatched orders and at least one order due in the month; otherwise
--     unranked_reason is no_orders / no_due_orders and rank is null;
--   * rank: competition rank on the rounded total within the group (1, 2, 3, 4, 4, 6);
--   * display_order: the order the ranking table lists ranked units in (total desc, then orders
--     desc, then unit_code);
--   * total_exact: the same sum capped, not rounded (decimal(38,12)): what the year to date
--     averages (rules.md "Year to date").
with month_units as (
    select unit_code, unit_name, unit_group, full_marks
    from {{ ref('dim_units') }}
    where month = {{ month_var() }}
      and is_ranked_group
),

unit_counts as (
    select *
    from {{ ref('int_unit_handling_counts') }}
    where month = {{ month_var() }}
),

item_points as (
    select *
    from {{ ref('int_unit_item_points') }}
    where month = {{ month_var() }}
),

unit_items as (
    select
        unit_code,
        max(case when item = '及时签收率' then points end) as timely_sign_points,
        max(case when item = '按时办结率' then points end) as on_time_completion_points,
        max(case when item = '回访满意率' then points end) as satisfaction_points,
        max(case when item = '答复规范' then points end) as reply_standard_points,
        max(case when item = '首次回应率' then points end) as first_response_points,
        max(case when item = '知识储备' then points end) as knowledge_points,
        max(case when item = '实例拨测' then points end) as test_call_points,
        {{ exact('sum(points)') }} as handling_points
    from item_points
    group by unit_code
),

county_data_quality as (
    select unit_code, total
    from {{ ref('int_county_data_quality') }}
    where month = {{ month_var() }}
),

county_platform as (
    select unit_code, total
    from {{ ref('int_county_platform') }}
    where month = {{ month_var() }}
),

unit_exact as (
    select
        month_units.unit_code,
        month_units.unit_name,
        month_units.unit_group,
        month_units.full_marks,
        unit_counts.orders,
        unit_counts.completed_in_month,
        unit_counts.sign_total,
        unit_counts.sign_on_time,
        unit_counts.sign_late,
        unit_counts.due_total,
        unit_counts.on_time_total,
        unit_counts.late_total,
        unit_counts.city_rated,
        unit_counts.city_satisfied,
        unit_counts.city_unsatisfied,
        unit_counts.province_rated,
        unit_counts.province_satisfied,
        unit_counts.province_unsatisfied,
        unit_counts.reply_findings,
        unit_counts.first_response_total,
        unit_counts.first_response_failed,
        unit_counts.knowledge_late,
        unit_counts.test_call_deduction,
        unit_items.timely_sign_points,
        unit_items.on_time_completion_points,
        unit_items.satisfaction_points,
        unit_items.reply_standard_points,
        unit_items.first_response_points,
        unit_items.knowledge_points,
        unit_items.test_call_points,
        unit_items.handling_points,
        {{ exact(
            'least(' ~ rulebook_param('工作量加分', 'max') ~ ', '
            ~ exact(rulebook_param('工作量加分', 'per_order') ~ ' * greatest(unit_counts.completed_in_month - '
                    ~ rulebook_param('工作量加分', 'threshold') ~ ', 0)') ~ ')'
        ) }} as bonus_points,
        case when county_data_quality.unit_code is not null
            then {{ exact('coalesce(county_data_quality.total, 0)') }} end as data_quality_points,
        case when county_platform.unit_code is not null
            then {{ exact('coalesce(county_platform.total, 0)') }} end as county_platform_points
    from month_units
    inner join unit_counts on unit_counts.unit_code = month_units.unit_code
    left join unit_items on unit_items.unit_code = month_units.unit_code
    left join county_data_quality on county_data_quality.unit_code = month_units.unit_code
    left join county_platform on county_platform.unit_code = month_units.unit_code
),

unit_totals as (
    select
        unit_exact.*,
        {%- set points_sum = sum_exact([
            'handling_points', 'bonus_points',
            'coalesce(data_quality_points, 0)', 'coalesce(county_platform_points, 0)',
        ]) %}
        {{ round2('least(full_marks, ' ~ points_sum ~ ')') }} as total,
        {{ exact('least(full_marks, ' ~ points_sum ~ ')') }} as total_exact,
        case
            when orders = 0 then 'no_orders'
            when due_total = 0 then 'no_due_orders'
        end as unranked_reason
    from unit_exact
),

ranked as (
    select
        unit_code,
        cast(rank() over (partition by unit_group order by total desc) as bigint) as rank,
        cast(row_number() over (
            partition by unit_group order by total desc, orders desc, unit_code
        ) as bigint) as display_order
    from unit_totals
    where unranked_reason is null
)

select
    {{ month_var() }} as month,
    unit_totals.unit_code,
    unit_totals.unit_name,
    unit_totals.unit_group,
    cast(unit_totals.full_marks as bigint) as full_marks,
    unit_totals.orders,
    unit_totals.completed_in_month,
    unit_totals.unranked_reason is null as is_ranked,
    unit_totals.unranked_reason,
    ranked.rank,
    {{ round2('unit_totals.timely_sign_points') }} as pts_timely_sign,
    {{ round2('unit_totals.on_time_completion_points') }} as pts_on_time_completion,
    {{ round2('unit_totals.satisfaction_points') }} as pts_satisfaction,
    {{ round2('unit_totals.reply_standard_points') }} as pts_reply_standard,
    {{ round2('unit_totals.first_response_points') }} as pts_first_response,
    {{ round2('unit_totals.knowledge_points') }} as pts_knowledge,
    {{ round2('unit_totals.test_call_points') }} as pts_test_calls,
    {{ round2('unit_totals.bonus_points') }} as bonus,
    {{ round2('unit_totals.data_quality_points') }} as data_quality,
    {{ round2('unit_totals.county_platform_points') }} as county_platform,
    unit_totals.total,
    {{ round2(exact_rate('unit_totals.sign_on_time', 'unit_totals.sign_total')) }} as timely_sign_rate,
    {{ round2(exact_rate('unit_totals.on_time_total', 'unit_totals.due_total')) }} as on_time_completion_rate,
    {{ round2(exact_rate('unit_totals.city_satisfied', 'unit_totals.city_rated')) }} as satisfaction_city_rate,
    {{ round2(exact_rate('unit_totals.province_satisfied', 'unit_totals.province_rated')) }}
        as satisfaction_province_rate,
    {{ round2(exact_rate('unit_totals.first_response_total - unit_totals.first_response_failed',
                         'unit_totals.first_response_total')) }} as first_response_rate,
    unit_totals.sign_total,
    unit_totals.sign_late,
    unit_totals.due_total,
    unit_totals.late_total,
    unit_totals.city_rated,
    unit_totals.city_unsatisfied,
    unit_totals.province_rated,
    unit_totals.province_unsatisfied,
    unit_totals.reply_findings,
    unit_totals.first_response_total,
    unit_totals.first_response_failed,
    unit_totals.knowledge_late,
    {{ round2('unit_totals.test_call_deduction') }} as test_call_deduction,
    ranked.display_order,
    unit_totals.total_exact
from unit_totals
left join ranked on ranked.unit_code = unit_totals.unit_code
