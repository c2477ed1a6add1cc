{#- The month this run computes, validated: YYYY-MM. -#}
{% macro month_var() -%}
    {%- set month = var('month') | string -%}
    {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', month) -%}
        {{ exceptions.raise_compiler_error("var 'month' must be YYYY-MM, got '" ~ month ~ "'") }}
    {%- endif -%}
    '{{ month }}'
{%- endmacro %}

{#- First instant of the month, and the cutoff (first instant of the next month), as timestamp literals. -#}
{% macro month_start() -%}
    cast({{ month_var() }} || '-01 00:00:00' as timestamp)
{%- endmacro %}

{% macro month_cutoff() -%}
    {%- set month = var('month') | string -%}
    {%- set y = month[0:4] | int -%}
    {%- set m = month[5:7] | int -%}
    {%- if m == 12 -%}{%- set ny, nm = y + 1, 1 -%}{%- else -%}{%- set ny, nm = y, m + 1 -%}{%- endif -%}
    cast('{{ "%04d-%02d" | format(ny, nm) }}-01 00:00:00' as timestamp)
{%- endmacro %}

{% macro previous_month() -%}
    {%- set month = var('month') | string -%}
    {%- set y = month[0:4] | int -%}
    {%- set m = month[5:7] | int -%}
    {%- if m == 1 -%}{%- set py, pm = y - 1, 12 -%}{%- else -%}{%- set py, pm = y, m - 1 -%}{%- endif -%}
    '{{ "%04d-%02d" | format(py, pm) }}'
{%- endmacro %}

{#- The year of the month being computed, as an integer literal, and its first month ('YYYY-01'). -#}
{% macro year_var() -%}
    {%- set month = var('month') | string -%}
    {%- set _validated = month_var() -%}
    {{ month[0:4] | int }}
{%- endmacro %}

{% macro year_start_month() -%}
    {%- set month = var('month') | string -%}
    {%- set _validated = month_var() -%}
    '{{ month[0:4] }}-01'
{%- endmacro %}
