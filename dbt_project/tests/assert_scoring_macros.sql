-- Unit test of the display macros (rules.md "Ranking, rounding and display"): round2 rounds half
-- away from zero with decimal arithmetic (99.175 -> 99.18, where a double gives 99.17), and
-- format_points writes 2 decimals with trailing zeros dropped. Returns the cases that fail.
-- Run with: dbt test --select assert_scoring_macros
with cases as (
    select 'round2 99.175' as case_name, cast({{ round2('99.175') }} as {{ dbt.type_string() }}) as actual, '99.18' as expected
    union all
    select 'round2 -99.175', cast({{ round2('-99.175') }} as {{ dbt.type_string() }}), '-99.18'
    union all
    select 'round2 of a double 99.175', cast({{ round2('cast(99.175 as ' ~ double_type() ~ ')') }} as {{ dbt.type_string() }}), '99.18'
    union all
    select 'round2 0.005', cast({{ round2('0.005') }} as {{ dbt.type_string() }}), '0.01'
    union all
    select 'round2 99.174999', cast({{ round2('99.174999') }} as {{ dbt.type_string() }}), '99.17'
    union all
    select 'round2 of an exact rate 329/364', cast({{ round2(rate_exact('329', '364')) }} as {{ dbt.type_string() }}), '90.38'
    union all
    select 'format 0', {{ format_points('0') }}, '0'
    union all
    select 'format 5.00', {{ format_points('5.00') }}, '5'
    union all
    select 'format 12.50', {{ format_points('12.50') }}, '12.5'
    union all
    select 'format 11.1923', {{ format_points('11.192307692307') }}, '11.19'
    union all
    select 'format 99.175', {{ format_points('99.175') }}, '99.18'
    union all
    select 'format 0.1', {{ format_points('0.10') }}, '0.1'
    union all
    select 'format 150', {{ format_points('150') }}, '150'
)

select case_name, actual, expected
from cases
where actual is null or actual <> expected
