-- 成员单位: one copy per month, accepted rows only (not quarantined).
with accepted_units as (
    select *
    from {{ source('raw', 'units') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'units'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    unit_code,
    unit_name,
    unit_group
from accepted_units
