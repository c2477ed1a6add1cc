-- 数据对接: accepted county records of every month. The texts stay in raw: only their lengths
-- (characters as stored, no trimming; null when the cell is empty) leave it.
with accepted_county_records as (
    select *
    from {{ source('raw', 'county_records') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'county_records'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    record_id,
    county_code,
    received_at,
    channel,
    category,
    cast({{ dbt.length('content') }} as bigint) as content_length,
    status,
    cast({{ dbt.length('reply') }} as bigint) as reply_length,
    completed_at,
    due_at,
    visit_result,
    updated_at,
    pushed_at
from accepted_county_records
