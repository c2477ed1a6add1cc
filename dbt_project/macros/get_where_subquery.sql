{#- The relation a data test reads, narrowed by the test's `where` config.

    dbt_project.yml gives every data test `where: "month = __month__"`: a month's build tests that
    month only, not every month in the warehouse. The placeholder is replaced here, when the test
    is compiled for a run, with the run's `month` var, so the parsed manifest does not depend on the
    month (dbt's own get_where_subquery would need the month at parse time). Same shape as dbt's
    default: `(select * from <relation> where <where>) dbt_subquery`. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- set where = where | replace('__month__', month_var()) -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
