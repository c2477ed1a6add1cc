{#- Number of rows where the condition is true, as bigint; 0 (not null) over no rows.
    DuckDB's count_if returns null over an empty input, Spark's returns 0: count(case …) agrees. -#}
{% macro count_true(condition) -%}
    cast(count(case when {{ condition }} then 1 end) as bigint)
{%- endmacro %}
