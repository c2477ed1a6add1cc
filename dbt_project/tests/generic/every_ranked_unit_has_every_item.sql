{#- Every ranked unit of `units` (rows matching `ranked_condition`) has exactly one row in the model
    for each of `items`, in the same month. Returns the missing or duplicated (month, unit, item). -#}
{% test every_ranked_unit_has_every_item(model, column_name, units, items, ranked_condition='is_ranked',
                                         unit_column='unit_code', month_column='month') %}

with ranked_units as (
    select {{ month_column }} as key_month, {{ unit_column }} as key_unit
    from {{ get_where_subquery(units) }}
    where {{ ranked_condition }}
),

expected_items as (
    {%- for item in items %}
    select '{{ item }}' as key_item{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

expected as (
    select ranked_units.key_month, ranked_units.key_unit, expected_items.key_item
    from ranked_units
    cross join expected_items
),

actual as (
    select
        {{ month_column }} as key_month,
        {{ unit_column }} as key_unit,
        {{ column_name }} as key_item,
        cast(count(*) as bigint) as n_rows
    from {{ model }}
    group by {{ month_column }}, {{ unit_column }}, {{ column_name }}
)

select expected.key_month, expected.key_unit, expected.key_item, coalesce(actual.n_rows, 0) as n_rows
from expected
left join actual
    on actual.key_month = expected.key_month
    and actual.key_unit = expected.key_unit
    and actual.key_item = expected.key_item
where coalesce(actual.n_rows, 0) <> 1

{% endtest %}
