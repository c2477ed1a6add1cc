-- For the month: the channel and the category counts each add up to fct_intake.total, and so do
-- received_this_month + carried_over and direct + dispatched.
{{ config(meta={'dagster': {'ref': {'name': 'fct_intake'}}}) }}
with intake as (
    select total, received_this_month, carried_over, direct, dispatched
    from {{ ref('fct_intake') }}
    where month = {{ month_var() }}
),

channel_total as (
    select cast(coalesce(sum({{ adapter.quote('count') }}), 0) as bigint) as order_count
    from {{ ref('fct_intake_by_channel') }}
    where month = {{ month_var() }}
),

category_total as (
    select cast(coalesce(sum({{ adapter.quote('count') }}), 0) as bigint) as order_count
    from {{ ref('fct_intake_by_category') }}
    where month = {{ month_var() }}
)

select
    intake.total,
    channel_total.order_count as channel_sum,
    category_total.order_count as category_sum
from intake
cross join channel_total
cross join category_total
where channel_total.order_count <> intake.total
   or category_total.order_count <> intake.total
   or intake.received_this_month + intake.carried_over <> intake.total
   or intake.direct + intake.dispatched <> intake.total
