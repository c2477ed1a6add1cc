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
         then {{ divide_exact('cast(' ~ numerator ~ ' as ' ~ division_type() ~ ') * 100', denominator) }}
    end
{%- endmacro %}

{#-
  numerator / denominator as exact_type(), alike on every engine. Spark types a decimal quotient
  by its operands' precision: decimal(38,12) / decimal(38,12) keeps only 6 decimals, while DuckDB
  divides in double and the cast back keeps 12. Both operands as division_type() (14 integer
  digits, 12 decimals) give Spark a decimal(38,12) quotient, rounded half up like DuckDB's cast.
-#}
{% macro divide_exact(numerator, denominator) -%}
    cast(cast({{ numerator }} as {{ division_type() }}) / cast({{ denominator }} as {{ division_type() }}) as {{ exact_type() }})
{%- endmacro %}

{% macro division_type() -%}decimal(26,12){%- endmacro %}

{#-
  factor * value as exact_type(), alike on every engine. Spark types a decimal product by its
  operands' precision: decimal(38,12) * decimal(38,12) needs 77 digits and is cut to 6 decimals
  (20.357143 for 20.357142857143), while DuckDB keeps them. A factor as factor_type() (a rulebook
  coefficient: 6 integer digits, 6 decimals) times a value as decimal(25,12) is decimal(38,18) on
  both: exact, then rounded half up to 12 decimals by the same cast.
-#}
{% macro multiply_exact(factor, value) -%}
    cast(cast({{ factor }} as {{ factor_type() }}) * cast({{ value }} as decimal(25,12)) as {{ exact_type() }})
{%- endmacro %}

{% macro factor_type() -%}decimal(12,6){%- endmacro %}

{#-
  a - b as exact_type(), alike on every engine. Spark types the difference (or sum) of two
  decimal(38,12) as decimal(39,12), cut to decimal(38,11): the 12th decimal is lost (and a second
  subtraction loses the 11th). Both operands as decimal(25,12) (13 integer digits) make it
  decimal(26,12) on Spark, exact on both engines.
-#}
{% macro subtract_exact(a, b) -%}
    cast(cast({{ a }} as decimal(25,12)) - cast({{ b }} as decimal(25,12)) as {{ exact_type() }})
{%- endmacro %}

{#-
  The sum of `terms` (SQL expressions; a term may start with '-') as exact_type(), alike on every
  engine: each term as decimal(25,12), so a chain of + and - grows one integer digit a step and
  keeps the 12 decimals on Spark (a chain of decimal(38,12) lost one decimal a step, down to 6).
-#}
{% macro sum_exact(terms) -%}
    cast(
    {%- for term in terms %}
        {%- set negative = term.strip().startswith('-') %}
        {{- ' - ' if negative else (' + ' if not loop.first else '') -}}
        cast({{ term.strip()[1:] if negative else term }} as decimal(25,12))
    {%- endfor %} as {{ exact_type() }})
{%- endmacro %}

{#- Seconds between two timestamps (a, b): b - a. -#}
{% macro seconds_between(a, b) -%}
    {{ dbt.datediff(a, b, 'second') }}
{%- endmacro %}
