"""Year to date and points to recover on the real dbt project (rules.md "Year to date", "Points to
recover"), hand-computed from tests/rulebook/scoring_months.py.

Two months of 2021, each built by its own `dbt build` (in order, as the monthly runs do):

  2021-01  a few units only: D03 (1 of 3 late → 79), D07 (99), D10 (275 orders, 99.175), Q01
           (312 orders, 99.21), Q06 (79), plus D12 and D13 with 4 clean orders each (99): both
           are ranked in January and not in February (D12 has no orders, D13 none due).
  2021-02  the full month of scoring_months (D08, D09 and the others are ranked in February only).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.rulebook import scoring_months as sm
from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

D = Decimal
JANUARY, FEBRUARY = "2021-01", "2021-02"
JANUARY_UNITS = ("D03", "D07", "D10", "D12", "D13", "Q01", "Q06")
SELECT = "+fct_year_to_date +fct_recovery"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("year_to_date") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    try:
        sm.write_month(con, JANUARY, JANUARY_UNITS)
        extra = sm.clean_orders(JANUARY, "D12", 4) + sm.clean_orders(JANUARY, "D13", 4, start=3)
        insert_rows(con, "orders", JANUARY, extra)
        sm.write_month(con, FEBRUARY)
    finally:
        con.close()
    # January's models only (its dbt tests run in February's build, over both months' rows)
    dbt_build(path, JANUARY, select=SELECT, command="run")
    dbt_build(path, FEBRUARY, select=SELECT)
    return path


def year_ranking(warehouse: Path, month: str, group: str) -> list[tuple]:
    rows = sm.query(
        warehouse,
        "select unit_code, months_ranked, score, rank from marts.fct_year_to_date "
        "where month = ? and unit_group = ? order by display_order",
        [month, group],
    )
    return [(r["unit_code"], r["months_ranked"], r["score"], r["rank"]) for r in rows]


def test_january_alone(warehouse):
    assert year_ranking(warehouse, JANUARY, "市级部门及单位") == [
        ("D10", 1, D("99.18"), 1),
        ("D07", 1, D("99"), 2),
        ("D12", 1, D("99"), 2),
        ("D13", 1, D("99"), 2),
        ("D03", 1, D("79"), 5),
    ]
    months = sm.query(
        warehouse, "select distinct score_month from marts.fct_unit_monthly_totals where month = ?", [JANUARY]
    )
    assert [r["score_month"] for r in months] == [JANUARY]


def test_departments_year_to_date_with_ties_and_gaps(warehouse):
    # D10: (99.175 + 99.175) / 2 → 99.18. Six units at 99.00 share rank 2: D07 (2 months) first,
    # then by unit_code D08, D09 (February only), D12, D13 (January only: no orders / none due in
    # February, still in the year's ranking). The next rank is 8.
    assert year_ranking(warehouse, FEBRUARY, "市级部门及单位") == [
        ("D10", 2, D("99.18"), 1),
        ("D07", 2, D("99"), 2),
        ("D08", 1, D("99"), 2),
        ("D09", 1, D("99"), 2),
        ("D12", 1, D("99"), 2),
        ("D13", 1, D("99"), 2),
        ("D06", 1, D("94.36"), 7),
        ("D05", 1, D("93.89"), 8),
        ("D11", 1, D("91"), 9),
        ("S01", 1, D("84.83"), 10),
        ("D01", 1, D("84.36"), 11),
        ("D04", 1, D("84"), 12),
        ("D02", 1, D("80.46"), 13),
        ("D03", 2, D("79"), 14),
        ("S02", 1, D("76.5"), 15),
    ]


def test_the_mean_is_of_exact_totals(warehouse):
    row = sm.query(
        warehouse,
        "select score_exact from marts.fct_year_to_date where month = ? and unit_code = 'D02'",
        [FEBRUARY],
    )[0]
    # D02 in February: 11.1875… + 5 + 10 + 20 + 10 + 12 + 12 + 0.272 bonus, exact (not 80.46)
    assert row["score_exact"] != D("80.46") and round(row["score_exact"], 2) == D("80.46")


def test_districts_and_a_unit_ranked_in_one_month_of_two(warehouse):
    assert year_ranking(warehouse, FEBRUARY, "区及功能板块") == [
        ("Q01", 2, D("99.21"), 1),
        ("Q02", 1, D("99.14"), 2),
        ("Q03", 1, D("99.05"), 3),
        # equal scores and months: unit_code decides (the monthly table lists Q05 first, by orders)
        ("Q04", 1, D("99"), 4),
        ("Q05", 1, D("99"), 4),
        ("Q06", 2, D("79"), 6),
    ]
    counties = year_ranking(warehouse, FEBRUARY, "县区")
    assert counties == [("C02", 1, D("140.25"), 1), ("C01", 1, D("132.08"), 2)]


def test_monthly_totals_as_of_february(warehouse):
    rows = sm.query(
        warehouse,
        "select score_month, is_ranked, total, rank from marts.fct_unit_monthly_totals "
        "where month = ? and unit_code = 'D12' order by score_month",
        [FEBRUARY],
    )
    assert rows == [
        dict(score_month=JANUARY, is_ranked=True, total=D("99"), rank=2),
        dict(score_month=FEBRUARY, is_ranked=False, total=D("99"), rank=None),
    ]


def test_to_full_of_each_rate_item(warehouse):
    rows = sm.query(
        warehouse,
        "select unit_code, item, part, denominator, good, to_full from marts.fct_recovery "
        "where month = ? order by unit_code, item_order, part_order",
        [FEBRUARY],
    )
    got = {(r["unit_code"], r["item"], r["part"]): (r["denominator"], r["good"], r["to_full"]) for r in rows}
    assert got == {
        # 首次回应率: 9 of 10 inspections passed at target 100 → 1
        ("C01", "首次回应率", None): (10, 9, 1),
        # 及时签收率: 16 of 22 at target 100 → 6
        ("D01", "及时签收率", None): (22, 16, 6),
        # 市派 12 of 14 at 95 → ceil(13.3 − 12) = 2
        ("D01", "回访满意率", "市派"): (14, 12, 2),
        # rules.md's example: ceil(345.8 − 329) = 17; 省派 ceil(7.84 − 6) = 2
        ("D02", "回访满意率", "市派"): (364, 329, 17),
        ("D02", "回访满意率", "省派"): (8, 6, 2),
        # 按时办结率: ceil(2.85 − 2) = 1; ceil(4.75 − 4) = 1; ceil(158.65 − 150) = 9
        ("D03", "按时办结率", None): (3, 2, 1),
        ("D04", "按时办结率", None): (5, 4, 1),
        ("D05", "按时办结率", None): (167, 150, 9),
        ("D06", "回访满意率", "市派"): (7, 6, 1),
        ("D11", "首次回应率", None): (20, 19, 1),
        ("Q06", "按时办结率", None): (3, 2, 1),
        ("S01", "回访满意率", "市派"): (3, 2, 1),
        ("S02", "回访满意率", "市派"): (2, 1, 1),
    }
