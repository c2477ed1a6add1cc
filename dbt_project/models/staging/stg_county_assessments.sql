-- Manual monthly marks of the counties, accepted rows only (not quarantined).
with accepted_county_assessments as (
    select *
    from {{ source('raw', 'county_assessments') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'county_assessments'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    county_code,
    integration_score,
    deduction,
    deduction_reason
from accepted_county_assessments
