{#- Every non-null value lies between 0 and the rulebook parameter (item, param) of its month, e.g. a
    block total within its `max`. The bound is read from the rulebook rows of the month, never written
    here (from the raw source rather than stg_rulebook_params, so that selecting the staging view alone
    does not pull this test, and the model it checks, into a build). -#}
{% test within_rulebook_max(model, column_name, item, param, month_column='month') %}

with checked as (
    select {{ month_column }} as key_month, {{ column_name }} as checked_value
    from {{ model }}
    where {{ column_name }} is not null
),

bound as (
    select month as key_month, value
    from {{ get_where_subquery(source('raw', 'rulebook_params')) }}
    where item = '{{ item }}' and param = '{{ param }}'
)

select checked.key_month, checked.checked_value, bound.value as upper_bound
from checked
left join bound on bound.key_month = checked.key_month
where checked.checked_value < 0 or bound.value is null or checked.checked_value > bound.value

{% endtest %}
