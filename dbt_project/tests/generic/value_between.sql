{#- Every non-null value lies within [min_value, max_value]: the tested column, or as a model
    test every column of `columns`. -#}
{% test value_between(model, min_value, max_value, column_name=none, columns=none) %}
{%- set checked = columns if columns else [column_name] -%}

select {{ checked | join(', ') }}
from {{ model }}
where {% for column in checked -%}
    {{ column }} < {{ min_value }} or {{ column }} > {{ max_value }}{% if not loop.last %} or {% endif %}
{%- endfor %}

{% endtest %}
