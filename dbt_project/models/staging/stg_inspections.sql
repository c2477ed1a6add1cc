-- 工单抽检: accepted rows of every month.
with accepted_inspections as (
    select *
    from {{ source('raw', 'inspections') }}
    where load_errors is null
)

select
    month,
    inspection_id,
    unit_code,
    order_id,
    inspected_at,
    item,
    passed,
    finding
from accepted_inspections
