{#-
  Scoring helpers (rules.md "Points"). Every number comes from the rulebook of the month
  (stg_rulebook_params); no weight, target or factor is written in SQL.

  Exactness: every intermediate value is cast back to exact_type() (decimal(38,12)) after each
  operation. A division goes through a double on DuckDB (decimal / decimal is a double there), so it
  is cast back to decimal at once: the 12th decimal absorbs the binary error, and a value such as
  99.175 stays 99.175 and rounds half away from zero to 99.18 in round2().
-#}

{#- expr as the exact decimal type. -#}
{% macro exact(expr) -%}
    cast({{ expr }} as {{ exact_type() }})
{%- endmacro %}

{#- numerator / denominator as an exact percentage; null when the denominator is 0. -#}
{% macro rate_exact(numerator, denominator) -%}
    cast({{ exact_rate(numerator, denominator) }} as {{ exact_type() }})
{%- endmacro %}

{#- weight * part / whole, exact; `when_empty` when whole is 0 (rules.md: a proportion with no records gets full points). -#}
{% macro proportion_points(weight, part, whole, when_empty=none) -%}
    case when {{ whole }} > 0
         then {{ divide_exact('cast(' ~ weight ~ ' * ' ~ part ~ ' as ' ~ exact_type() ~ ')', whole) }}
         else {{ exact(when_empty if when_empty is not none else weight) }}
    end
{%- endmacro %}

{#- One number of the rulebook in force for the month being computed, as an exact decimal (scalar subquery). -#}
{% macro rulebook_param(item, param) -%}
    (select {{ exact('max(rp.value)') }}
     from {{ ref('stg_rulebook_params') }} as rp
     where rp.month = {{ month_var() }} and rp.item = '{{ item }}' and rp.param = '{{ param }}')
{%- endmacro %}

{#- Rate item: max(floor, W - k * (target - r)+); full W when the rate is null (denominator 0). -#}
{% macro rate_item_points(rate, weight, target, k, floor) -%}
    case when {{ rate }} is null then cast({{ weight }} as {{ exact_type() }})
         else cast(greatest({{ floor }}, {{ subtract_exact(weight, rate_shortfall(rate, target, k)) }}) as {{ exact_type() }})
    end
{%- endmacro %}

{#- Count item: max(0, W - per * count). -#}
{% macro count_item_points(count, weight, per) -%}
    cast(greatest(0, {{ subtract_exact(weight, 'cast(' ~ per ~ ' * ' ~ count ~ ' as ' ~ exact_type() ~ ')') }}) as {{ exact_type() }})
{%- endmacro %}

{#- The deduction k * (target - r)+ of a rate, 0 when the rate is null (a part without denominator deducts nothing). -#}
{% macro rate_shortfall(rate, target, k) -%}
    case when {{ rate }} is null then cast(0 as {{ exact_type() }})
         else {{ multiply_exact(k, 'greatest(' ~ subtract_exact(target, rate) ~ ', 0)') }}
    end
{%- endmacro %}

{#-
  The rulebook's parameters of every item for the month, one row per item (a CTE body). Columns:
  item, weight, target, k, floor_points, per, city_target, province_target, per_order, threshold,
  max_points, min_chars, max_delay_hours (null where the item has no such parameter; `floor` and `max`
  get a suffix so that no column is named like a function).
-#}
{% macro rulebook_items() -%}
    {%- set params = ['weight', 'target', 'k', 'floor', 'per', 'city_target', 'province_target',
                      'per_order', 'threshold', 'max', 'min_chars', 'max_delay_hours'] -%}
    select
        item
        {%- for param in params %},
        cast(max(case when param = '{{ param }}' then value end) as {{ exact_type() }}) as {{ param ~ '_points' if param in ('max', 'floor') else param }}
        {%- endfor %}
    from {{ ref('stg_rulebook_params') }}
    where month = {{ month_var() }}
    group by item
{%- endmacro %}

{#- A count of rows meeting a condition, as bigint on every engine. -#}
{% macro count_where(condition) -%}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as bigint)
{%- endmacro %}

{#-
  A number as the bulletin writes points (and rates): rounded half away from zero to 2 decimals,
  trailing zeros dropped — 0 → '0', 5.00 → '5', 12.50 → '12.5', 11.19 → '11.19'.
-#}
{% macro format_points(expr) -%}
    {%- set r = round2(expr) -%}
    case when {{ r }} is null then null
         when {{ r }} = floor({{ r }}) then cast(cast({{ r }} as bigint) as {{ dbt.type_string() }})
         when {{ r }} * 10 = floor({{ r }} * 10) then cast(cast({{ r }} as decimal(18,1)) as {{ dbt.type_string() }})
         else cast({{ r }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- A bigint count written as text. -#}
{% macro count_text(expr) -%}
    cast(cast({{ expr }} as bigint) as {{ dbt.type_string() }})
{%- endmacro %}

{#-
  string_agg with a deterministic order on every engine: by `order_by` (a list of expressions;
  default the value itself). DuckDB honours `order by` inside string_agg; Spark ignores it, so there
  the values are collected, sorted and joined.
-#}
{% macro sorted_string_agg(expr, separator, order_by=none) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'hotline_bulletin')(expr, separator, order_by or [expr])) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ order_by | join(', ') }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expr, separator, order_by) -%}
    array_join(transform(array_sort(collect_list(named_struct(
        {%- for key in order_by %}'k{{ loop.index }}', {{ key }}, {% endfor %}'v', {{ expr }}))), x -> x.v), {{ separator }})
{%- endmacro %}
