-- The PRC statutory calendar (holidays and adjusted working days 调休), one row per date; not partitioned.
with working_calendar as (
    select *
    from {{ source('raw', 'working_calendar') }}
)

select
    calendar_date,
    is_workday
from working_calendar
