-- 办件质效 figures of the bulletin (section 四.2), one row:
--   average_orders       dispatched orders per unit, over every unit with dispatched orders (any group)
--   above_average_units  units with more dispatched orders than that average
--   reply_finding_units  units with at least one failed 答复规范 inspection in the month
with unit_orders as (
    select unit_code, cast(count(*) as bigint) as orders
    from {{ ref('int_order_flags') }}
    where month = {{ month_var() }}
    group by unit_code
),

order_totals as (
    select
        cast(count(*) as bigint) as units_with_orders,
        cast(coalesce(sum(orders), 0) as bigint) as total_orders
    from unit_orders
),

above_average as (
    -- orders > total / units, compared without division: orders * units > total
    select cast(count(*) as bigint) as above_average_units
    from unit_orders
    cross join order_totals
    where unit_orders.orders * order_totals.units_with_orders > order_totals.total_orders
),

reply_findings as (
    select cast(count(distinct unit_code) as bigint) as reply_finding_units
    from {{ ref('stg_inspections') }}
    where month = {{ month_var() }}
      and item = '答复规范'
      and passed = false
)

select
    {{ month_var() }} as month,
    case when order_totals.units_with_orders > 0
         then {{ round2('cast(order_totals.total_orders as ' ~ exact_type() ~ ') / order_totals.units_with_orders') }}
    end as average_orders,
    above_average.above_average_units,
    reply_findings.reply_finding_units
from order_totals
cross join above_average
cross join reply_findings
