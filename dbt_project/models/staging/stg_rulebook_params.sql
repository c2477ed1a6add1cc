-- Every number of the rulebook version in force for each month (long format).
with rulebook_params as (
    select *
    from {{ source('raw', 'rulebook_params') }}
)

select
    month,
    version,
    item,
    param,
    value
from rulebook_params
