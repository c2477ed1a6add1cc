-- 实例拨测: accepted rows of every month.
with accepted_test_calls as (
    select *
    from {{ source('raw', 'test_calls') }}
    where load_errors is null
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
