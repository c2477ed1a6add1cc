-- 实例拨测: accepted rows of every month.
with accepted_test_calls as (
    select *
    from {{ source('raw', 'test_calls') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'test_calls'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    call_id,
    unit_code,
    called_at,
    target,
    passed,
    deduction,
    reason
from accepted_test_calls
