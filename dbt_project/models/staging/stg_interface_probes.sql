-- Interface health probes of every month, accepted rows only.
with accepted_interface_probes as (
    select *
    from {{ source('raw', 'interface_probes') }}
    where load_errors is null
)

select
    month,
    county_code,
    probed_at,
    ok,
    latency_ms
from accepted_interface_probes
