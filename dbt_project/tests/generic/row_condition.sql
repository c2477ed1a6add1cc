{#- Every row satisfies the SQL condition (rows where it is false or null are returned). -#}
{% test row_condition(model, condition) %}

select *
from {{ model }}
where not coalesce({{ condition }}, false)

{% endtest %}
