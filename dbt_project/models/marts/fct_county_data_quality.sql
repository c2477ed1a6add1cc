-- The bulletin's county 数据质量 table (section 四.1), one row per unit of group 县区: the columns
-- 数据完整 … 数据质量总分 in the bulletin's order, then the 县级平台办件 block. Every column is rounded
-- to 2 decimals for display; `total` and `county_platform` are the exact block sums rounded once.
with counties as (
    select unit_code, unit_name
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
      and unit_group = {{ county_group() }}
),

data_quality as (
    select *
    from {{ ref('int_county_data_quality') }}
    where month = {{ month_var() }}
),

platform as (
    select *
    from {{ ref('int_county_platform') }}
    where month = {{ month_var() }}
)

select
    {{ month_var() }} as month,
    counties.unit_code,
    counties.unit_name,
    data_quality.records,
    {{ round2('data_quality.data_completeness') }} as data_completeness,
    {{ round2('data_quality.content_completeness') }} as content_completeness,
    {{ round2('data_quality.deduction_item') }} as deduction_item,
    {{ round2('data_quality.inspection_item') }} as inspection_item,
    {{ round2('data_quality.timeliness') }} as timeliness,
    {{ round2('data_quality.interface_stability') }} as interface_stability,
    {{ round2('data_quality.integration') }} as integration,
    {{ round2('data_quality.total') }} as total,
    {{ round2('platform.on_time_points') }} as platform_on_time_points,
    {{ round2('platform.satisfaction_points') }} as platform_satisfaction_points,
    {{ round2('platform.total') }} as county_platform
from counties
inner join data_quality on data_quality.unit_code = counties.unit_code
inner join platform on platform.unit_code = counties.unit_code
