-- Interface health probes of every month, accepted rows only (not quarantined).
with accepted_interface_probes as (
    select *
    from {{ source('raw', 'interface_probes') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'interface_probes'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    county_code,
    probed_at,
    ok,
    latency_ms
from accepted_interface_probes
