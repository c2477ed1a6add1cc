-- Member units of the month with their group's full marks and whether the group is ranked.
with month_units as (
    select unit_code, unit_name, unit_group
    from {{ ref('stg_units') }}
    where month = {{ month_var() }}
)

select
    {{ month_var() }} as month,
    unit_code,
    unit_name,
    unit_group,
    -- full marks of the group, from the rulebook in force for the month
    cast(case unit_group
        {%- for group in ['县区', '区及功能板块', '市级部门及单位'] %}
        when '{{ group }}' then {{ rulebook_param('考评组', 'full_marks_' ~ group) }}
        {%- endfor %}
    end as bigint) as full_marks,
    coalesce(unit_group in ('县区', '区及功能板块', '市级部门及单位'), false) as is_ranked_group
from month_units
