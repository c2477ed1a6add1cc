-- 实例拨测 of the units' duty phones (target 值班电话) in the month, one row per unit called, any
-- group: the calls and the failed ones (接听服务不规范). The bulletin's section 四.3 (2) ends with
-- them: "成员单位值班电话实例拨测未发现存在接听服务不规范的单位" or the units that failed.
with month_units as (
    select unit_code, unit_name
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

duty_calls as (
    select
        unit_code,
        cast(count(*) as bigint) as calls,
        {{ count_where('not passed') }} as failed
    from {{ ref('stg_test_calls') }}
    where month = {{ month_var() }}
      and target = '值班电话'
    group by unit_code
)

select
    {{ month_var() }} as month,
    duty_calls.unit_code,
    month_units.unit_name,
    duty_calls.calls,
    duty_calls.failed
from duty_calls
inner join month_units on month_units.unit_code = duty_calls.unit_code
