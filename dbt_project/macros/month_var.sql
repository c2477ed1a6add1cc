{#- The month this run computes, YYYY-MM (the Dagster partition key), validated.

    The `month` var when one is given (`--vars`, a unit test's overrides), else the HOTLINE_MONTH
    env var, which is how the pipeline passes it: a var given on the command line changes dbt's
    parse state, so every run would re-parse the whole project; an env var read only while
    executing does not, and dbt reuses its partial parse. While parsing (no SQL runs) a fixed
    placeholder month stands in. -#}
{% macro build_month() -%}
    {%- if not execute -%}{{ return('2021-01') }}{%- endif -%}
    {%- set month = (var('month', none) or env_var('HOTLINE_MONTH', '')) | string -%}
    {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', month) -%}
        {{ exceptions.raise_compiler_error(
            "the month to build must be YYYY-MM (var 'month' or env var HOTLINE_MONTH), got '" ~ month ~ "'") }}
    {%- endif -%}
    {{ return(month) }}
{%- endmacro %}

{#- The month as a quoted SQL literal. -#}
{% macro month_var() -%}
    '{{ build_month() }}'
{%- endmacro %}

{#- First instant of the month, and the cutoff (first instant of the next month), as timestamp literals. -#}
{% macro month_start() -%}
    cast({{ month_var() }} || '-01 00:00:00' as timestamp)
{%- endmacro %}

{% macro month_cutoff() -%}
    {%- set month = build_month() -%}
    {%- set y = month[0:4] | int -%}
    {%- set m = month[5:7] | int -%}
    {%- if m == 12 -%}{%- set ny, nm = y + 1, 1 -%}{%- else -%}{%- set ny, nm = y, m + 1 -%}{%- endif -%}
    cast('{{ "%04d-%02d" | format(ny, nm) }}-01 00:00:00' as timestamp)
{%- endmacro %}

{% macro previous_month() -%}
    {%- set month = build_month() -%}
    {%- set y = month[0:4] | int -%}
    {%- set m = month[5:7] | int -%}
    {%- if m == 1 -%}{%- set py, pm = y - 1, 12 -%}{%- else -%}{%- set py, pm = y, m - 1 -%}{%- endif -%}
    '{{ "%04d-%02d" | format(py, pm) }}'
{%- endmacro %}

{#- The year of the month being computed, as an integer literal, and its first month ('YYYY-01'). -#}
{% macro year_var() -%}
    {%- set month = build_month() -%}
    {{ month[0:4] | int }}
{%- endmacro %}

{% macro year_start_month() -%}
    {%- set month = build_month() -%}
    '{{ month[0:4] }}-01'
{%- endmacro %}
