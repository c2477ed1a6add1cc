-- The counties' 县级平台办件 block (rules.md), exact, one row per unit of group 县区 of the month,
-- from the records the county platform pushed (stg_county_records):
--   县级平台按时办结  rate item on records due in the month completed by due_at / records due in the month
--   县级平台回访满意  rate item on (满意 + 基本满意) / rated records completed in the month
--   total             min(max, max(floor, sum of the two))
-- A rate without records gets full points.
with counties as (
    select unit_code
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
      and unit_group = {{ county_group() }}
),

record_flags as (
    select
        county_code as unit_code,
        coalesce(due_at >= {{ month_start() }} and due_at < {{ month_cutoff() }}, false) as due_in_month,
        coalesce(completed_at <= due_at, false) as completed_by_due,
        coalesce(completed_at >= {{ month_start() }} and completed_at < {{ month_cutoff() }}, false)
            and coalesce(visit_result in ('满意', '基本满意', '不满意'), false) as rated,
        coalesce(visit_result in ('满意', '基本满意'), false) as satisfied_result
    from {{ ref('stg_county_records') }}
    where month = {{ month_var() }}
),

record_counts as (
    select
        unit_code,
        {{ count_where('due_in_month') }} as due_total,
        {{ count_where('due_in_month and completed_by_due') }} as on_time_total,
        {{ count_where('rated') }} as rated,
        {{ count_where('rated and satisfied_result') }} as satisfied
    from record_flags
    group by unit_code
),

county_measures as (
    select
        counties.unit_code,
        coalesce(record_counts.due_total, 0) as due_total,
        coalesce(record_counts.on_time_total, 0) as on_time_total,
        coalesce(record_counts.rated, 0) as rated,
        coalesce(record_counts.satisfied, 0) as satisfied,
        {{ rate_exact('record_counts.on_time_total', 'record_counts.due_total') }} as on_time_rate,
        {{ rate_exact('record_counts.satisfied', 'record_counts.rated') }} as satisfaction_rate
    from counties
    left join record_counts on record_counts.unit_code = counties.unit_code
),

county_points as (
    select
        county_measures.*,
        {{ rate_item_points('on_time_rate', rulebook_param('县级平台按时办结', 'weight'),
                            rulebook_param('县级平台按时办结', 'target'), rulebook_param('县级平台按时办结', 'k'),
                            rulebook_param('县级平台按时办结', 'floor')) }} as on_time_points,
        {{ rate_item_points('satisfaction_rate', rulebook_param('县级平台回访满意', 'weight'),
                            rulebook_param('县级平台回访满意', 'target'), rulebook_param('县级平台回访满意', 'k'),
                            rulebook_param('县级平台回访满意', 'floor')) }} as satisfaction_points
    from county_measures
)

select
    {{ month_var() }} as month,
    unit_code,
    due_total,
    on_time_total,
    rated,
    satisfied,
    on_time_rate,
    satisfaction_rate,
    on_time_points,
    satisfaction_points,
    {{ exact(
        'least(' ~ rulebook_param('县级平台办件', 'max') ~ ', greatest(' ~ rulebook_param('县级平台办件', 'floor')
        ~ ', ' ~ sum_exact(['on_time_points', 'satisfaction_points']) ~ '))'
    ) }} as total
from county_points
