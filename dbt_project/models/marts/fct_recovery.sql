-- Points to recover (整改目标, rules.md "Points to recover"): for each ranked unit and rate item on
-- which it lost points, how many of the month's counted orders would have had to be good for full
-- points: to_full = max(0, ceil(target/100 × n − g)), exact decimal arithmetic, with n the item's
-- denominator, g the orders counted good and the rulebook's target of the month. 回访满意率 has
-- one row per part (市派, 省派) that deducts (rated orders and a rate below its target). The counts
-- are those the points were computed from (int_unit_handling_counts).
--   及时签收率  n = sign_total,            g = sign_on_time
--   按时办结率  n = due_total,             g = on_time_total
--   回访满意率  n = city/province_rated,   g = city/province_satisfied (target city_target/province_target)
--   首次回应率  n = first_response_total,  g = passed inspections
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
    select unit_code, item, item_order
    from {{ ref('int_unit_item_points') }}
    where month = {{ month_var() }}
      and points_lost > 0
),

rulebook_items as (
    {{ rulebook_items() }}
),

item_parts as (
    select unit_code, '及时签收率' as item, cast(null as {{ dbt.type_string() }}) as part, 1 as part_order,
        sign_total as denominator, sign_on_time as good
    from unit_counts

    union all

    select unit_code, '按时办结率' as item, cast(null as {{ dbt.type_string() }}) as part, 1 as part_order,
        due_total as denominator, on_time_total as good
    from unit_counts

    union all

    select unit_code, '回访满意率' as item, '市派' as part, 1 as part_order,
        city_rated as denominator, city_satisfied as good
    from unit_counts

    union all

    select unit_code, '回访满意率' as item, '省派' as part, 2 as part_order,
        province_rated as denominator, province_satisfied as good
    from unit_counts

    union all

    select unit_code, '首次回应率' as item, cast(null as {{ dbt.type_string() }}) as part, 1 as part_order,
        first_response_total as denominator, first_response_total - first_response_failed as good
    from unit_counts
),

part_targets as (
    select
        item_parts.*,
        case
            when item_parts.part = '市派' then rulebook_items.city_target
            when item_parts.part = '省派' then rulebook_items.province_target
            else rulebook_items.target
        end as target
    from item_parts
    inner join rulebook_items on rulebook_items.item = item_parts.item
),

-- a part deducts when it has a denominator and g / n is below target / 100 (compared without division)
deducting_parts as (
    select part_targets.*
    from part_targets
    where part_targets.denominator > 0
      and part_targets.good * 100 < part_targets.target * part_targets.denominator
),

recovery as (
    select
        deducting_parts.unit_code,
        ranked_units.unit_name,
        deducting_parts.item,
        items_with_loss.item_order,
        deducting_parts.part,
        deducting_parts.part_order,
        cast(deducting_parts.denominator as bigint) as denominator,
        cast(deducting_parts.good as bigint) as good,
        deducting_parts.target,
        {{ exact(exact('deducting_parts.target * deducting_parts.denominator') ~ ' / 100') }} as required_exact
    from deducting_parts
    inner join items_with_loss
        on items_with_loss.unit_code = deducting_parts.unit_code
        and items_with_loss.item = deducting_parts.item
    inner join ranked_units on ranked_units.unit_code = deducting_parts.unit_code
)

select
    {{ month_var() }} as month,
    unit_code,
    unit_name,
    item,
    cast(item_order as bigint) as item_order,
    part,
    cast(part_order as bigint) as part_order,
    denominator,
    good,
    cast(target as decimal(18,6)) as target,
    cast(greatest(0, ceil({{ exact('required_exact - good') }})) as bigint) as to_full
from recovery
