-- 工单抽检: accepted rows of every month.
with accepted_inspections as (
    select *
    from {{ source('raw', 'inspections') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'inspections'
                and quarantined.source_row = raw_rows.source_row
        )
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
