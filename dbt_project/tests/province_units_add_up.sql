-- For the month: fct_province_units adds up to fct_province_summary, once the units' upheld
-- appeals (which change the unit lists, never the platform's figures) are put back.
{{ config(meta={'dagster': {'ref': {'name': 'fct_province_summary'}}}) }}
with summary as (
    select {{ adapter.quote('count') }} as order_count, unit_count, due, late, rated, satisfied
    from {{ ref('fct_province_summary') }}
    where month = {{ month_var() }}
),

upheld_appeals as (
    select
        {{ count_true('completion_appeal_upheld') }} as completion_upheld,
        {{ count_true('satisfaction_appeal_upheld') }} as satisfaction_upheld
    from {{ ref('int_order_unit_flags') }}
    where month = {{ month_var() }}
        and dispatch_level = '省派'
),

unit_totals as (
    select
        cast(coalesce(sum(orders), 0) as bigint) as order_count,
        cast(count(*) as bigint) as unit_count,
        cast(coalesce(sum(due), 0) as bigint) as due,
        cast(coalesce(sum(late), 0) as bigint) as late,
        cast(coalesce(sum(rated), 0) as bigint) as rated,
        cast(coalesce(sum(satisfied), 0) as bigint) as satisfied
    from {{ ref('fct_province_units') }}
    where month = {{ month_var() }}
)

select summary.order_count, unit_totals.order_count as unit_order_sum
from summary
cross join unit_totals
cross join upheld_appeals
where summary.order_count <> unit_totals.order_count
   or summary.unit_count <> unit_totals.unit_count
   or summary.due <> unit_totals.due
   or summary.late <> unit_totals.late + upheld_appeals.completion_upheld
   or summary.rated <> unit_totals.rated + upheld_appeals.satisfaction_upheld
   or summary.satisfied <> unit_totals.satisfied
