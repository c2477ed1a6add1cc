{#- Every non-null value lies between 0 and the rulebook parameter (item, param) of its month, e.g. a
    block total within its `max`. The bound is read from the rulebook rows of the month, never written
    here (from the raw source rather than stg_rulebook_params, so that selecting the staging view alone
    does not pull this test, and the model it checks, into a build). -#}
{% test within_rulebook_max(model, column_name, item, param, month_column='month') %}

select checked.{{ month_column }}, checked.{{ column_name }}, bound.value as upper_bound
from {{ model }} as checked
left join {{ source('raw', 'rulebook_params') }} as bound
    on bound.month = checked.{{ month_column }}
    and bound.item = '{{ item }}'
    and bound.param = '{{ param }}'
where checked.{{ column_name }} is not null
  and (checked.{{ column_name }} < 0 or bound.value is null or checked.{{ column_name }} > bound.value)

{% endtest %}
