-- Manual monthly marks of the counties, accepted rows only.
with accepted_county_assessments as (
    select *
    from {{ source('raw', 'county_assessments') }}
    where load_errors is null
)

select
    month,
    county_code,
    integration_score,
    deduction,
    deduction_reason
from accepted_county_assessments
