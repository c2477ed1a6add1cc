"""Every worked example of rules.md "Points", through the real dbt models.

The month is tests/rulebook/scoring_months.py (one unit per example); one dbt build per month,
shared by the ranking and explanation tests.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.rulebook import scoring_months as sm

# slow: runs dbt build (the scoring months) (make test-fast leaves it out)
pytestmark = pytest.mark.slow

ITEM_COLUMNS = (
    "pts_timely_sign",
    "pts_on_time_completion",
    "pts_satisfaction",
    "pts_reply_standard",
    "pts_first_response",
    "pts_knowledge",
    "pts_test_calls",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sm.built_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def scores(warehouse: Path) -> dict[tuple[str, str], dict]:
    rows = sm.query(warehouse, "select * from marts.fct_unit_scores")
    return {(r["month"], r["unit_code"]): r for r in rows}


def unit(scores: dict, code: str, month: str = sm.MONTH) -> dict:
    return scores[(month, code)]


def items(row: dict) -> tuple[Decimal, ...]:
    return tuple(row[c] for c in ITEM_COLUMNS)


D = Decimal


# --- 回访满意率 -----------------------------------------------------------------------------------


def test_satisfaction_city_only_85_71_scores_20_36(scores):
    # 6/7 = 85.71 % 市派, no 省派: 25 - 0.5 × (95 - 85.714…) = 20.357… → 20.36
    d06 = unit(scores, "D06")
    assert d06["satisfaction_city_rate"] == D("85.71")
    assert d06["satisfaction_province_rate"] is None
    assert d06["pts_satisfaction"] == D("20.36")
    assert d06["total"] == D("94.36")


def test_satisfaction_city_and_province_scores_11_19(scores):
    # 市住建局: 329/364 市派 and 6/8 省派 → 25 - 0.5 × (95 - 90.3846…) - 0.5 × (98 - 75) = 11.1923…
    d02 = unit(scores, "D02")
    assert (d02["city_rated"], d02["city_unsatisfied"]) == (364, 35)
    assert (d02["province_rated"], d02["province_unsatisfied"]) == (8, 2)
    assert d02["satisfaction_city_rate"] == D("90.38")
    assert d02["satisfaction_province_rate"] == D("75")
    assert d02["pts_satisfaction"] == D("11.19")
    # 5 答复规范 findings → 5; 372 orders completed → bonus 0.272; 80.1923 + 0.272 = 80.4643
    assert d02["pts_reply_standard"] == D("5")
    assert d02["bonus"] == D("0.27")
    assert d02["total"] == D("80.46")


def test_satisfaction_without_floor_in_2021(scores):
    # 2/3 → 25 - 0.5 × 28.333… = 10.83; 1/2 → 25 - 22.5 = 2.5: the 2021 formula has no floor
    assert unit(scores, "S01")["pts_satisfaction"] == D("10.83")
    assert unit(scores, "S01")["total"] == D("84.83")
    assert unit(scores, "S02")["pts_satisfaction"] == D("2.5")
    assert unit(scores, "S02")["total"] == D("76.5")


def test_satisfaction_floor_12_5_from_2022_09(scores, warehouse):
    # the 2022-09 rulebook version: 66.67 % and 50 % both score 12.5
    for code in ("S01", "S02"):
        row = unit(scores, code, sm.FLOOR_MONTH)
        assert row["pts_satisfaction"] == D("12.5"), code
        assert row["total"] == D("86.5"), code
    assert unit(scores, "S01", sm.FLOOR_MONTH)["satisfaction_city_rate"] == D("66.67")
    assert unit(scores, "S02", sm.FLOOR_MONTH)["satisfaction_city_rate"] == D("50")
    # other items unchanged by the new version
    assert unit(scores, "D03", sm.FLOOR_MONTH)["total"] == D("79")
    versions = sm.query(
        warehouse,
        "select month, min(version) as v, max(version) as w from raw.rulebook_params group by month",
    )
    assert {r["month"]: (r["v"], r["w"]) for r in versions} == {
        sm.MONTH: ("2021-01", "2021-01"),
        sm.FLOOR_MONTH: ("2022-09", "2022-09"),
    }


# --- rate items -------------------------------------------------------------------------------------


def test_on_time_completion_66_67_scores_0(scores):
    d03 = unit(scores, "D03")
    assert (d03["due_total"], d03["late_total"]) == (3, 1)
    assert d03["on_time_completion_rate"] == D("66.67")
    assert d03["pts_on_time_completion"] == D("0")
    assert d03["total"] == D("79")


def test_timely_sign_72_73_scores_0(scores):
    # 万联能源集团: 16/22 signed on time → 10 - 0.5 × 27.27 < 0 → 0; 12/14 satisfied → 20.36
    d01 = unit(scores, "D01")
    assert (d01["sign_total"], d01["sign_late"]) == (22, 6)
    assert d01["timely_sign_rate"] == D("72.73")
    assert d01["pts_timely_sign"] == D("0")
    assert d01["pts_satisfaction"] == D("20.36")
    assert d01["total"] == D("84.36")  # the bulletin's 84.36


def test_on_time_completion_80_scores_5(scores):
    d04 = unit(scores, "D04")
    assert d04["on_time_completion_rate"] == D("80")
    assert d04["pts_on_time_completion"] == D("5")
    assert d04["total"] == D("84")


def test_on_time_completion_89_82_scores_14_82(scores):
    # 150/167 = 89.8203… → 20 - (95 - 89.8203…) = 14.8203…; 167 completed → bonus 0.067
    d05 = unit(scores, "D05")
    assert (d05["due_total"], d05["late_total"]) == (167, 17)
    assert d05["on_time_completion_rate"] == D("89.82")
    assert d05["pts_on_time_completion"] == D("14.82")
    assert d05["bonus"] == D("0.07")
    assert d05["total"] == D("93.89")  # 93.8203… + 0.067 = 93.8873…


def test_first_response_knowledge_and_test_calls(scores):
    # 19/20 首次回应 → 10 - 0.5 × 5 = 7.5; 2 late tasks → 12 - 2 × 2 = 8; deductions 0.5 + 1 → 10.5
    d11 = unit(scores, "D11")
    assert d11["first_response_rate"] == D("95")
    assert (d11["first_response_total"], d11["first_response_failed"]) == (20, 1)
    assert d11["knowledge_late"] == 2
    assert d11["test_call_deduction"] == D("1.5")
    assert items(d11) == (D(10), D(20), D(25), D(10), D("7.5"), D(8), D("10.5"))
    assert d11["total"] == D("91")


# --- workload bonus and rounding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "completed", "bonus", "total"),
    [
        ("Q01", 312, "0.21", "99.21"),
        ("Q02", 237, "0.14", "99.14"),
        ("Q03", 150, "0.05", "99.05"),
        ("Q05", 70, "0", "99"),
        ("Q04", 20, "0", "99"),
        ("D07", 3, "0", "99"),
    ],
)
def test_workload_bonus_top_scores(scores, code, completed, bonus, total):
    row = unit(scores, code)
    assert row["completed_in_month"] == completed
    assert items(row) == (D(10), D(20), D(25), D(10), D(10), D(12), D(12))
    assert row["bonus"] == D(bonus)
    assert row["total"] == D(total)


def test_total_rounds_half_away_from_zero_with_decimals(scores):
    # 275 completed, no loss: 99 + 0.175 = 99.175 exactly → 99.18 (binary floating point gives 99.17)
    d10 = unit(scores, "D10")
    assert d10["bonus"] == D("0.18")
    assert d10["total"] == D("99.18")


def test_display_macros(warehouse):
    """round2 (99.175 → 99.18) and format_points (0分, 5分, 12.5分, 11.19分), unit-tested by the singular
    dbt test assert_scoring_macros, which runs in the month's build."""
    output = sm.BUILD_OUTPUT[sm.MONTH]
    assert re.search(r"PASS assert_scoring_macros\b", output), output[-3000:]


@pytest.mark.parametrize(
    "unit_test",
    [
        "int_unit_item_points::test_item_points_follow_the_worked_examples",
        "fct_unit_scores::test_scores_bonus_rounding_and_competition_ranks",
        "fct_explanations::test_explanations_in_the_bulletins_phrasing",
    ],
)
def test_dbt_unit_tests_of_the_scoring_core_pass(warehouse, unit_test):
    """The scoring core's dbt `unit_tests:` (rules.md's worked examples, in the model ymls) run in
    the build of the scoring models, on whatever engine runs dbt; the monthly pipeline leaves them
    out (`--exclude-resource-type unit_test`)."""
    output = sm.BUILD_OUTPUT[sm.MONTH]
    assert re.search(rf"PASS {re.escape(unit_test)}\b", output), output[-3000:]


# --- counties -------------------------------------------------------------------------------------


def test_county_data_quality_block_by_hand(warehouse):
    rows = {
        r["unit_code"]: r
        for r in sm.query(
            warehouse, "select * from marts.fct_county_data_quality where month = ?", [sm.MONTH]
        )
    }
    assert set(rows) == {"C01", "C02"}
    for code, expected in (("C01", sm.COUNTY_C01), ("C02", sm.COUNTY_C02)):
        actual = {key: rows[code][key] for key in expected}
        assert actual == {k: (v if isinstance(v, int) else D(str(v))) for k, v in expected.items()}, code


def test_county_exact_block_is_rounded_once(warehouse):
    exact = sm.query(
        warehouse,
        "select data_completeness, total from intermediate.int_county_data_quality "
        "where month = ? and unit_code = 'C01'",
        [sm.MONTH],
    )[0]
    assert exact["data_completeness"] == D("5.833333333333")  # 7 × 20 / 24, unrounded
    assert exact["total"] == D("19.083333333333")


def test_county_totals(scores):
    # C01: handling 10 + 20 + 25 + 9 + 5 + 12 + 12 = 93, 数据质量 19.0833…, 县级平台办件 20
    c01 = unit(scores, "C01")
    assert c01["full_marks"] == 150
    assert items(c01) == (D(10), D(20), D(25), D(9), D(5), D(12), D(12))
    assert (c01["data_quality"], c01["county_platform"]) == (D("19.08"), D("20"))
    assert c01["total"] == D("132.08")
    c02 = unit(scores, "C02")
    assert (c02["data_quality"], c02["county_platform"]) == (D("25"), D("16.25"))
    assert c02["total"] == D("140.25")
    # outside 县区 the county blocks are null
    assert unit(scores, "D01")["data_quality"] is None
    assert unit(scores, "D01")["county_platform"] is None


# --- month isolation --------------------------------------------------------------------------------


def test_a_month_run_leaves_other_months_alone(scores):
    months = {month for month, _ in scores}
    assert months == {sm.MONTH, sm.FLOOR_MONTH}
    assert {code for month, code in scores if month == sm.FLOOR_MONTH} == set(sm.FLOOR_MONTH_UNITS)
    # 2021-02 still carries its own (unfloored) score after the 2022-09 run
    assert unit(scores, "S02")["pts_satisfaction"] == D("2.5")
