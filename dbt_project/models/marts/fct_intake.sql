-- 诉求受理情况 (bulletin 二.1): one row for the month. Counts over the accepted rows of the export;
-- platform rates over every dispatched order, satisfaction over 市派 and 省派 together.
with month_orders as (
    select received_at, handling
    from {{ ref('stg_orders') }}
    where month = {{ month_var() }}
),

order_counts as (
    select
        cast(count(*) as bigint) as total,
        {{ count_true('received_at >= ' ~ month_start()) }} as received_this_month,
        {{ count_true('received_at < ' ~ month_start()) }} as carried_over,
        {{ count_true("handling = '直接办理'") }} as direct,
        {{ count_true("handling = '交办'") }} as dispatched
    from month_orders
),

order_flags as (
    select *
    from {{ ref('int_order_flags') }}
    where month = {{ month_var() }}
),

platform_rate_parts as (
    select
        {{ count_true('due_in_month') }} as due_total,
        {{ count_true('completed_on_time') }} as completed_on_time,
        {{ count_true('sign_counted') }} as sign_total,
        {{ count_true('signed_on_time') }} as signed_on_time,
        {{ count_true('rated') }} as rated,
        {{ count_true('satisfied') }} as satisfied
    from order_flags
)

select
    {{ month_var() }} as month,
    order_counts.total,
    order_counts.received_this_month,
    order_counts.carried_over,
    order_counts.direct,
    order_counts.dispatched,
    {{ round2(exact_rate('platform_rate_parts.completed_on_time', 'platform_rate_parts.due_total')) }}
        as on_time_completion_rate,
    {{ round2(exact_rate('platform_rate_parts.signed_on_time', 'platform_rate_parts.sign_total')) }}
        as timely_sign_rate,
    {{ round2(exact_rate('platform_rate_parts.satisfied', 'platform_rate_parts.rated')) }}
        as satisfaction_rate
from order_counts
cross join platform_rate_parts
