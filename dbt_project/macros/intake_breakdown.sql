{#- Orders of the month's export by one column of stg_orders: count, share of the total (percent,
    2 decimals, half away from zero) and sort_order (count desc, then name). An empty cell is
    listed as '未注明' so that the shares add up to the total. -#}
{% macro intake_breakdown(column) -%}
with month_orders as (
    select coalesce({{ column }}, '未注明') as name
    from {{ ref('stg_orders') }}
    where month = {{ month_var() }}
),

counts_by_name as (
    select name, cast(count(*) as bigint) as order_count
    from month_orders
    group by name
),

month_total as (
    select cast(count(*) as bigint) as total
    from month_orders
)

select
    {{ month_var() }} as month,
    counts_by_name.name,
    counts_by_name.order_count as {{ adapter.quote('count') }},
    {{ round2(exact_rate('counts_by_name.order_count', 'month_total.total')) }} as share,
    cast(row_number() over (order by counts_by_name.order_count desc, counts_by_name.name) as bigint)
        as sort_order
from counts_by_name
cross join month_total
{%- endmacro %}
