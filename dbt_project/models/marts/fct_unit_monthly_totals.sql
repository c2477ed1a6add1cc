-- Every unit's monthly totals of the year so far (rules.md "Year to date"), as of the month being
-- run: one row per unit of a ranked group and month of the year up to M that has been run (is in
-- fct_unit_scores). Read from the per-month score mart only, so the cost grows with the month of
-- the year (at most 12 months), not with the history. A month re-run later changes these rows for
-- the months after it only when those are run again.
with year_scores as (
    select
        month as score_month,
        unit_code,
        unit_name,
        unit_group,
        orders,
        is_ranked,
        rank,
        total,
        -- rows built before total_exact existed: the rounded total (docs/year-to-date.md)
        coalesce(total_exact, {{ exact('total') }}) as total_exact
    from {{ ref('fct_unit_scores') }}
    where month >= {{ year_start_month() }}
      and month <= {{ month_var() }}
)

select
    {{ month_var() }} as month,
    score_month,
    unit_code,
    unit_name,
    unit_group,
    orders,
    is_ranked,
    rank,
    total,
    total_exact
from year_scores
