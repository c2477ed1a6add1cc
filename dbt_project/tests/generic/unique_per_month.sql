{#- The column (or, as a model test, the combination `columns`) is unique within each month.
    Rows with a null key are left to not_null tests. -#}
{% test unique_per_month(model, column_name=none, columns=none, month_column='month') %}
{%- set keys = columns if columns else [column_name] -%}

with keyed_rows as (
    select {{ month_column }} as key_month, {{ keys | join(', ') }}
    from {{ model }}
    where {% for key in keys %}{{ key }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
)

select key_month, {{ keys | join(', ') }}, cast(count(*) as bigint) as n_rows
from keyed_rows
group by key_month, {{ keys | join(', ') }}
having count(*) > 1

{% endtest %}
