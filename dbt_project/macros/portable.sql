{#- Portability helpers (../shared/spec/portable-sql.md): one spelling per engine behind a dispatch. -#}

{#- A double-precision number type. -#}
{% macro double_type() -%}{{ return(adapter.dispatch('double_type', 'hotline_bulletin')()) }}{%- endmacro %}
{% macro default__double_type() -%}double{%- endmacro %}

{#- Exact decimal used for every rate and point before rounding. -#}
{% macro exact_type() -%}decimal(38,12){%- endmacro %}

{#- Round half away from zero to 2 decimals with decimal arithmetic. -#}
{% macro round2(expr) -%}
    cast(round(cast({{ expr }} as {{ exact_type() }}), 2) as decimal(18,2))
{%- endmacro %}

{#- A percentage rate numerator / denominator, exact; null when the denominator is 0. -#}
{% macro exact_rate(numerator, denominator) -%}
    case when {{ denominator }} > 0
         then cast({{ numerator }} as {{ exact_type() }}) * 100 / cast({{ denominator }} as {{ exact_type() }})
    end
{%- endmacro %}

{#- Seconds between two timestamps (a, b): b - a. -#}
{% macro seconds_between(a, b) -%}
    {{ dbt.datediff(a, b, 'second') }}
{%- endmacro %}
