{#- Every non-null value of the column exists in `to`.`field` in the same month
    (optionally restricted to the parent rows matching `to_where`). -#}
{% test relationships_per_month(model, column_name, to, field, to_where=none, month_column='month') %}

with child_rows as (
    select {{ month_column }} as key_month, {{ column_name }} as key_value
    from {{ model }}
    where {{ column_name }} is not null
),

parent_rows as (
    select month as key_month, {{ field }} as key_value
    from {{ get_where_subquery(to) }}
    {% if to_where %}where {{ to_where }}{% endif %}
)

select child_rows.key_month, child_rows.key_value
from child_rows
left join parent_rows
    on child_rows.key_month = parent_rows.key_month
    and child_rows.key_value = parent_rows.key_value
where parent_rows.key_value is null

{% endtest %}
