-- The year-to-date score and rank of every unit ranked in at least one month of the year up to M
-- (rules.md "Year to date"):
--   * score: the mean of the unit's exact monthly totals over the months it was ranked, rounded
--     once half away from zero to 2 decimals;
--   * rank: competition rank on the rounded score within the group; display_order lists ties by
--     months ranked (most first), then unit_code;
--   * name and group: the unit's latest month of the year up to M (a unit that left the units
--     file keeps the group it was last scored in).
-- Only months that have been run count (fct_unit_monthly_totals lists them).
with monthly as (
    select *
    from {{ ref('fct_unit_monthly_totals') }}
    where month = {{ month_var() }}
),

latest_listing as (
    select
        unit_code,
        unit_name,
        unit_group,
        row_number() over (partition by unit_code order by score_month desc) as recency
    from monthly
),

ranked_months as (
    select
        unit_code,
        cast(count(*) as bigint) as months_ranked,
        min(score_month) as first_month,
        max(score_month) as last_month,
        {{ exact('sum(total_exact)') }} as total_sum
    from monthly
    where is_ranked
    group by unit_code
),

year_scores as (
    select
        ranked_months.unit_code,
        latest_listing.unit_name,
        latest_listing.unit_group,
        ranked_months.months_ranked,
        ranked_months.first_month,
        ranked_months.last_month,
        {{ divide_exact('ranked_months.total_sum', 'ranked_months.months_ranked') }} as score_exact
    from ranked_months
    inner join latest_listing
        on latest_listing.unit_code = ranked_months.unit_code
        and latest_listing.recency = 1
),

rounded as (
    select
        year_scores.*,
        {{ round2('score_exact') }} as score
    from year_scores
)

select
    {{ month_var() }} as month,
    cast({{ year_var() }} as bigint) as evaluation_year,
    unit_code,
    unit_name,
    unit_group,
    months_ranked,
    first_month,
    last_month,
    score,
    score_exact,
    cast(rank() over (partition by unit_group order by score desc) as bigint) as rank,
    cast(row_number() over (
        partition by unit_group order by score desc, months_ranked desc, unit_code
    ) as bigint) as display_order
from rounded
