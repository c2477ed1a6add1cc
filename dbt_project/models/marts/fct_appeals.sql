-- 申诉 of the month by unit and item (bulletin `appeals`, the xlsx's unit rows): upheld appeals
-- counted once per order and item, rejected and pending ones per appeal.
with month_appeals as (
    select *
    from {{ ref('stg_appeals') }}
    where month = {{ month_var() }}
),

month_units as (
    select unit_code, unit_name, unit_group
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

upheld_orders as (
    select distinct unit_code, item, order_id
    from month_appeals
    where decision = '通过'
),

upheld_counts as (
    select unit_code, item, cast(count(*) as bigint) as upheld
    from upheld_orders
    group by unit_code, item
),

other_counts as (
    select
        unit_code,
        item,
        {{ count_true("decision = '不通过'") }} as rejected,
        {{ count_true("decision = '待审核'") }} as pending
    from month_appeals
    group by unit_code, item
)

select
    {{ month_var() }} as month,
    other_counts.unit_code,
    month_units.unit_name,
    month_units.unit_group,
    other_counts.item,
    coalesce(upheld_counts.upheld, 0) as upheld,
    other_counts.rejected,
    other_counts.pending
from other_counts
left join upheld_counts
    on upheld_counts.unit_code = other_counts.unit_code
    and upheld_counts.item = other_counts.item
left join month_units
    on month_units.unit_code = other_counts.unit_code
