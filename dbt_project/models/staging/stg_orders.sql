-- 诉求/工单: accepted rows of every month; no phone hash, no content (personal data stays in raw).
with accepted_orders as (
    select *
    from {{ source('raw', 'orders') }} as raw_rows
    where load_errors is null
        and not exists (
            select 1
            from {{ source('raw', 'quarantine') }} as quarantined
            where quarantined.month = raw_rows.month
                and quarantined.input = 'orders'
                and quarantined.source_row = raw_rows.source_row
        )
)

select
    month,
    order_id,
    received_at,
    channel,
    category,
    handling,
    dispatch_level,
    coalesce(supervision, false) as supervision,
    unit_code,
    dispatched_at,
    sign_deadline,
    signed_at,
    due_at,
    completed_at,
    visit_result
from accepted_orders
