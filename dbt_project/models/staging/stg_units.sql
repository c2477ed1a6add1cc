-- 成员单位: one copy per month, accepted rows only.
with accepted_units as (
    select *
    from {{ source('raw', 'units') }}
    where load_errors is null
)

select
    month,
    unit_code,
    unit_name,
    unit_group
from accepted_units
