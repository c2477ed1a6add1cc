-- Per unit and handling item (rules.md "Points"): the exact points, the item's weight and the
-- points lost. Parameters come from the rulebook in force for the month (stg_rulebook_params):
--   rate item          max(floor, W - k * (target - r)+), full W when the denominator is 0
--   count item         max(0, W - per * count)
--   实例拨测           max(0, W - sum of deductions)
--   回访满意率         max(floor, W - k*(city_target - r_city)+ - k*(province_target - r_province)+),
--                      a part without rated orders deducts nothing
-- Every unit of int_unit_handling_counts gets all seven items (a missing rulebook item yields no
-- row, which the test `every_ranked_unit_has_every_item` reports).
with unit_counts as (
    select *
    from {{ ref('int_unit_handling_counts') }}
    where month = {{ month_var() }}
),

rulebook_items as (
    {{ rulebook_items() }}
),

unit_measures as (
    select
        unit_code,
        {{ rate_exact('sign_on_time', 'sign_total') }} as timely_sign_rate,
        {{ rate_exact('on_time_total', 'due_total') }} as on_time_completion_rate,
        {{ rate_exact('city_satisfied', 'city_rated') }} as satisfaction_city_rate,
        {{ rate_exact('province_satisfied', 'province_rated') }} as satisfaction_province_rate,
        {{ rate_exact('first_response_total - first_response_failed', 'first_response_total') }}
            as first_response_rate,
        reply_findings,
        knowledge_late,
        test_call_deduction
    from unit_counts
),

item_points as (
    {%- set rate_items = [
        ('及时签收率', 1, 'timely_sign_rate'),
        ('按时办结率', 2, 'on_time_completion_rate'),
        ('首次回应率', 5, 'first_response_rate'),
    ] %}
    {%- for item, item_order, rate in rate_items %}
    select
        unit_measures.unit_code,
        '{{ item }}' as item,
        {{ item_order }} as item_order,
        rulebook_items.weight,
        {{ rate_item_points('unit_measures.' ~ rate, 'rulebook_items.weight', 'rulebook_items.target',
                            'rulebook_items.k', 'rulebook_items.floor_points') }} as points
    from unit_measures
    inner join rulebook_items on rulebook_items.item = '{{ item }}'

    union all
    {%- endfor %}

    select
        unit_measures.unit_code,
        '回访满意率' as item,
        3 as item_order,
        rulebook_items.weight,
        {{ exact('greatest(rulebook_items.floor_points, ' ~ subtract_exact(
            subtract_exact('rulebook_items.weight', rate_shortfall(
                'unit_measures.satisfaction_city_rate', 'rulebook_items.city_target', 'rulebook_items.k')),
            rate_shortfall(
                'unit_measures.satisfaction_province_rate', 'rulebook_items.province_target', 'rulebook_items.k')
        ) ~ ')') }} as points
    from unit_measures
    inner join rulebook_items on rulebook_items.item = '回访满意率'

    {%- set count_items = [
        ('答复规范', 4, 'reply_findings'),
        ('知识储备', 6, 'knowledge_late'),
    ] %}
    {%- for item, item_order, count in count_items %}

    union all

    select
        unit_measures.unit_code,
        '{{ item }}' as item,
        {{ item_order }} as item_order,
        rulebook_items.weight,
        {{ count_item_points('unit_measures.' ~ count, 'rulebook_items.weight', 'rulebook_items.per') }} as points
    from unit_measures
    inner join rulebook_items on rulebook_items.item = '{{ item }}'
    {%- endfor %}

    union all

    select
        unit_measures.unit_code,
        '实例拨测' as item,
        7 as item_order,
        rulebook_items.weight,
        {{ exact('greatest(0, ' ~ subtract_exact('rulebook_items.weight', 'unit_measures.test_call_deduction') ~ ')') }} as points
    from unit_measures
    inner join rulebook_items on rulebook_items.item = '实例拨测'
)

select
    {{ month_var() }} as month,
    unit_code,
    item,
    cast(item_order as bigint) as item_order,
    weight,
    points,
    {{ subtract_exact('weight', 'points') }} as points_lost
from item_points
