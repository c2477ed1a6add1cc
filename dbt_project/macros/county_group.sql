{#- The 考评组 of the counties (units with a county sub-platform, scored on the 数据质量 and
    县级平台办件 blocks), as a SQL literal: var `county_group` (dbt_project.yml), the contract's
    `县区`. The ranked groups themselves come from the rulebook (dim_units). -#}
{% macro county_group() -%}
    '{{ var('county_group') }}'
{%- endmacro %}
