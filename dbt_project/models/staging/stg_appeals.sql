-- 申诉: accepted appeals of every month; the free-text reason stays in raw (personal data).
with accepted_appeals as (
    select *
    from {{ source('raw', 'appeals') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'appeals'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    appeal_id,
    order_id,
    unit_code,
    item,
    submitted_at,
    decision,
    decided_at
from accepted_appeals
