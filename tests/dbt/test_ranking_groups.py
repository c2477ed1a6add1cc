"""Who is ranked, competition ranks and tie order; the 四.2/四.3 lists (fct_quality_*, fct_unit_findings)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tests.rulebook import scoring_months as sm

# slow: runs dbt build (the scoring months) (make test-fast leaves it out)
pytestmark = pytest.mark.slow

D = Decimal


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sm.built_warehouse(tmp_path_factory)


def ranking(warehouse: Path, group: str, month: str = sm.MONTH) -> list[tuple]:
    rows = sm.query(
        warehouse,
        "select unit_code, orders, total, rank from marts.fct_unit_scores "
        "where month = ? and unit_group = ? and is_ranked order by display_order",
        [month, group],
    )
    return [(r["unit_code"], r["orders"], r["total"], r["rank"]) for r in rows]


def test_competition_ranks_and_tie_order(warehouse):
    # ranks 1, 2, 3, 4, 4, 6; the two 99s listed by orders, most first (Q05 70 before Q04 20)
    assert ranking(warehouse, "区及功能板块") == [
        ("Q01", 312, D("99.21"), 1),
        ("Q02", 237, D("99.14"), 2),
        ("Q03", 150, D("99.05"), 3),
        ("Q05", 70, D("99"), 4),
        ("Q04", 20, D("99"), 4),
        ("Q06", 3, D("79"), 6),
    ]


def test_departments_ranking(warehouse):
    # equal totals and equal orders: unit_code decides the listing (D07 before D08)
    assert ranking(warehouse, "市级部门及单位") == [
        ("D10", 275, D("99.18"), 1),
        ("D09", 5, D("99"), 2),
        ("D07", 3, D("99"), 2),
        ("D08", 3, D("99"), 2),
        ("D06", 7, D("94.36"), 5),
        ("D05", 167, D("93.89"), 6),
        ("D11", 1, D("91"), 7),
        ("S01", 3, D("84.83"), 8),
        ("D01", 22, D("84.36"), 9),
        ("D04", 5, D("84"), 10),
        ("D02", 372, D("80.46"), 11),
        ("D03", 3, D("79"), 12),
        ("S02", 2, D("76.5"), 13),
    ]
    assert ranking(warehouse, "县区") == [("C02", 5, D("140.25"), 1), ("C01", 10, D("132.08"), 2)]


def test_ranks_with_the_2022_09_floor(warehouse):
    assert ranking(warehouse, "市级部门及单位", sm.FLOOR_MONTH) == [
        ("S01", 3, D("86.5"), 1),
        ("S02", 2, D("86.5"), 1),
        ("D03", 3, D("79"), 3),
    ]


def test_unranked_units(warehouse):
    rows = sm.query(
        warehouse,
        "select unit_code, orders, unranked_reason, rank, display_order from marts.fct_unit_scores "
        "where month = ? and not is_ranked order by unit_code",
        [sm.MONTH],
    )
    assert rows == [
        dict(unit_code="D12", orders=0, unranked_reason="no_orders", rank=None, display_order=None),
        dict(unit_code="D13", orders=2, unranked_reason="no_due_orders", rank=None, display_order=None),
        dict(unit_code="Q07", orders=0, unranked_reason="no_orders", rank=None, display_order=None),
    ]


def test_units_outside_the_ranked_groups_are_left_out(warehouse):
    codes = {r["unit_code"] for r in sm.query(warehouse, "select unit_code from marts.fct_unit_scores")}
    assert "X01" not in codes
    ranked_group_units = {code for code, _, group in sm.UNITS if group != "不参与考评"}
    assert codes == ranked_group_units


def test_quality_lowest(warehouse):
    rows = sm.query(
        warehouse,
        "select indicator, position, unit_code, rate from marts.fct_quality_lowest "
        "where month = ? order by indicator, position",
        [sm.MONTH],
    )
    got = {(r["indicator"], r["position"]): (r["unit_code"], r["rate"]) for r in rows}
    assert got == {
        # sign-in: D01 72.73 %, then the 100 % units by unit_code
        ("timely_sign", 1): ("D01", D("72.73")),
        ("timely_sign", 2): ("C01", D("100")),
        ("timely_sign", 3): ("C02", D("100")),
        # 66.67 % twice: unit_code decides
        ("on_time_completion", 1): ("D03", D("66.67")),
        ("on_time_completion", 2): ("Q06", D("66.67")),
        ("on_time_completion", 3): ("D04", D("80")),
        # the 市派 rate; D01 and D06 both 85.71 %: D01 first
        ("satisfaction", 1): ("S02", D("50")),
        ("satisfaction", 2): ("S01", D("66.67")),
        ("satisfaction", 3): ("D01", D("85.71")),
    }


def test_quality_summary(warehouse):
    orders = Counter(o["unit_code"] for o in sm.month_orders(sm.MONTH) if o["handling"] == "交办")
    average = sum(orders.values()) / len(orders)  # every unit with dispatched orders, X01 included
    above = sum(1 for n in orders.values() if n > average)
    row = sm.query(warehouse, "select * from marts.fct_quality_summary where month = ?", [sm.MONTH])[0]
    assert row["average_orders"] == D(str(round(average, 2)))
    # 1727 orders over 23 units = 75.09: D02 372, Q01 312, D10 275, Q02 237, D05 167, Q03 150
    assert row["above_average_units"] == above == 6
    assert row["reply_finding_units"] == 2  # D02 and C01


def test_unit_findings(warehouse):
    rows = sm.query(
        warehouse,
        "select unit_code, first_response_failed, knowledge_late, test_call_deduction, test_call_reasons "
        "from marts.fct_unit_findings where month = ? order by unit_code",
        [sm.MONTH],
    )
    assert rows == [
        dict(
            unit_code="C01",
            first_response_failed=1,
            knowledge_late=0,
            test_call_deduction=D("0"),
            test_call_reasons=None,
        ),
        dict(
            unit_code="D11",
            first_response_failed=1,
            knowledge_late=2,
            test_call_deduction=D("1.5"),
            test_call_reasons="服务流程不规范、缺乏沟通技巧",
        ),
    ]
