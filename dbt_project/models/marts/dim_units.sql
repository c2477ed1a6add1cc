-- Member units of the month with their group's full marks and whether the group is ranked. The
-- ranked groups are those the month's rulebook version gives full marks (group_full_marks, rows
-- `考评组` / `full_marks_<group>` of stg_rulebook_params): no group is named here.
with month_units as (
    select unit_code, unit_name, unit_group
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
),

group_full_marks as (
    select
        substr(param, length('full_marks_') + 1) as unit_group,
        max(value) as full_marks
    from {{ ref('stg_rulebook_params') }}
    where month = {{ month_var() }}
      and item = '考评组'
      and left(param, length('full_marks_')) = 'full_marks_'
    group by substr(param, length('full_marks_') + 1)
)

select
    {{ month_var() }} as month,
    month_units.unit_code,
    month_units.unit_name,
    month_units.unit_group,
    -- full marks of the group, from the rulebook in force for the month
    cast(group_full_marks.full_marks as bigint) as full_marks,
    group_full_marks.unit_group is not null as is_ranked_group
from month_units
left join group_full_marks on group_full_marks.unit_group = month_units.unit_group
