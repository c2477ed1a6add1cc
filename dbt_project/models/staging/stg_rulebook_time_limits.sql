-- Working-day time limits in force for each month, by kind (sign/complete), dispatch level and category.
with rulebook_time_limits as (
    select *
    from {{ source('raw', 'rulebook_time_limits') }}
)

select
    month,
    version,
    kind,
    dispatch_level,
    category,
    cast(working_days as bigint) as working_days
from rulebook_time_limits
