-- For the month: every accepted appeal names a dispatched order of its unit to which its item
-- applies, as int_order_flags counts it (the validation computes the same in
-- pipelines/validation/appeal_targets.py before dbt runs; this catches the two drifting apart).
{{ config(meta={'dagster': {'ref': {'name': 'int_order_unit_flags'}}}) }}
with month_appeals as (
    select appeal_id, order_id, unit_code, item
    from {{ ref('stg_appeals') }}
    where month = {{ month_var() }}
),

order_flags as (
    select order_id, unit_code, sign_late, completion_late, unsatisfied
    from {{ ref('int_order_flags') }}
    where month = {{ month_var() }}
)

select month_appeals.appeal_id, month_appeals.order_id, month_appeals.item
from month_appeals
left join order_flags
    on order_flags.order_id = month_appeals.order_id
    and order_flags.unit_code = month_appeals.unit_code
where order_flags.order_id is null
   or (month_appeals.item = '及时签收率' and not order_flags.sign_late)
   or (month_appeals.item = '按时办结率' and not order_flags.completion_late)
   or (month_appeals.item = '回访满意率' and not order_flags.unsatisfied)
