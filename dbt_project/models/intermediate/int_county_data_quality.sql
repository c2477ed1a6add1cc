-- The counties' 数据质量 block (rules.md), exact, one row per unit of group 县区 of the month.
--   数据完整    W × filled required cells / required cells (received_at, channel, category, content,
--               due_at for every record; also reply and completed_at when status = 已办结)
--   内容完整    W × records with content >= min_chars characters and (status ≠ 已办结 or reply >= min_chars)
--               / records (characters as stored, see stg_county_records)
--   扣分项      max(0, W - deduction of county_assessments)
--   工单抽检    max(0, W - per × failed inspections of the county in the month, both items)
--   数据及时    W × records with pushed_at - updated_at <= max_delay_hours / records
--   接口稳定性  rate item on uptime = ok probes / probes
--   一体化建设  integration_score of county_assessments, kept within 0..W (no row: 0)
--   total       min(max, max(floor, 完整 + 内容 + 及时 + 接口 + 一体化 − (W − 扣分项) − (W − 工单抽检)))
-- A proportion without records (and the uptime without probes) gets full points.
with counties as (
    select unit_code
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
      and unit_group = {{ county_group() }}
),

records as (
    select *
    from {{ ref('stg_county_records') }}
    where month = {{ month_var() }}
),

record_counts as (
    select
        county_code as unit_code,
        cast(count(*) as bigint) as records,
        cast(sum(5 + case when status = '已办结' then 2 else 0 end) as bigint) as required_cells,
        cast(sum(
            case when received_at is not null then 1 else 0 end
            + case when channel is not null then 1 else 0 end
            + case when category is not null then 1 else 0 end
            + case when coalesce(content_length, 0) > 0 then 1 else 0 end
            + case when due_at is not null then 1 else 0 end
            + case when status = '已办结' then
                  case when coalesce(reply_length, 0) > 0 then 1 else 0 end
                  + case when completed_at is not null then 1 else 0 end
              else 0 end
        ) as bigint) as filled_cells,
        {{ count_where(
            "coalesce(content_length, 0) >= " ~ rulebook_param('内容完整', 'min_chars')
            ~ " and (status is null or status <> '已办结' or coalesce(reply_length, 0) >= "
            ~ rulebook_param('内容完整', 'min_chars') ~ ")"
        ) }} as content_complete_records,
        {{ count_where(
            "updated_at is not null and pushed_at is not null and "
            ~ seconds_between('updated_at', 'pushed_at') ~ " <= 3600 * " ~ rulebook_param('数据及时', 'max_delay_hours')
        ) }} as timely_records
    from records
    group by county_code
),

probe_counts as (
    select
        county_code as unit_code,
        cast(count(*) as bigint) as probes,
        {{ count_where('ok') }} as ok_probes
    from {{ ref('stg_interface_probes') }}
    where month = {{ month_var() }}
    group by county_code
),

assessments as (
    select county_code as unit_code, integration_score, deduction
    from {{ ref('stg_county_assessments') }}
    where month = {{ month_var() }}
),

inspection_counts as (
    select
        unit_code,
        {{ count_where('passed = false') }} as failed_inspections
    from {{ ref('stg_inspections') }}
    where month = {{ month_var() }}
    group by unit_code
),

county_measures as (
    select
        counties.unit_code,
        coalesce(record_counts.records, 0) as records,
        coalesce(record_counts.required_cells, 0) as required_cells,
        coalesce(record_counts.filled_cells, 0) as filled_cells,
        coalesce(record_counts.content_complete_records, 0) as content_complete_records,
        coalesce(record_counts.timely_records, 0) as timely_records,
        coalesce(probe_counts.probes, 0) as probes,
        coalesce(probe_counts.ok_probes, 0) as ok_probes,
        {{ rate_exact('probe_counts.ok_probes', 'probe_counts.probes') }} as uptime_rate,
        {{ exact('coalesce(assessments.deduction, 0)') }} as assessment_deduction,
        {{ exact('coalesce(assessments.integration_score, 0)') }} as integration_score,
        coalesce(inspection_counts.failed_inspections, 0) as failed_inspections
    from counties
    left join record_counts on record_counts.unit_code = counties.unit_code
    left join probe_counts on probe_counts.unit_code = counties.unit_code
    left join assessments on assessments.unit_code = counties.unit_code
    left join inspection_counts on inspection_counts.unit_code = counties.unit_code
),

county_points as (
    select
        county_measures.*,
        {{ proportion_points(rulebook_param('数据完整', 'weight'), 'filled_cells', 'required_cells') }}
            as data_completeness,
        {{ proportion_points(rulebook_param('内容完整', 'weight'), 'content_complete_records', 'records') }}
            as content_completeness,
        {{ count_item_points('assessment_deduction', rulebook_param('扣分项', 'weight'), '1') }}
            as deduction_item,
        {{ count_item_points('failed_inspections', rulebook_param('工单抽检', 'weight'),
                             rulebook_param('工单抽检', 'per')) }} as inspection_item,
        {{ proportion_points(rulebook_param('数据及时', 'weight'), 'timely_records', 'records') }}
            as timeliness,
        {{ rate_item_points('uptime_rate', rulebook_param('接口稳定性', 'weight'), rulebook_param('接口稳定性', 'target'),
                            rulebook_param('接口稳定性', 'k'), rulebook_param('接口稳定性', 'floor')) }}
            as interface_stability,
        {{ exact('least(' ~ rulebook_param('一体化建设', 'weight') ~ ', greatest(0, integration_score))') }}
            as integration
    from county_measures
)

select
    {{ month_var() }} as month,
    unit_code,
    records,
    required_cells,
    filled_cells,
    content_complete_records,
    timely_records,
    probes,
    ok_probes,
    uptime_rate,
    assessment_deduction,
    integration_score,
    failed_inspections,
    data_completeness,
    content_completeness,
    deduction_item,
    inspection_item,
    timeliness,
    interface_stability,
    integration,
    {{ exact(
        'least(' ~ rulebook_param('数据质量总分', 'max') ~ ', greatest(' ~ rulebook_param('数据质量总分', 'floor') ~ ', '
        ~ sum_exact([
            'data_completeness', 'content_completeness', 'timeliness', 'interface_stability', 'integration',
            '-' ~ subtract_exact(rulebook_param('扣分项', 'weight'), 'deduction_item'),
            '-' ~ subtract_exact(rulebook_param('工单抽检', 'weight'), 'inspection_item'),
        ]) ~ '))'
    ) }} as total
from county_points
