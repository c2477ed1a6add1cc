"""Anomalies against the unit's own history: the robust range, the baselines (ordinary and 春节
months), the marts' reader, the asset checks (WARN) and the alerts (tests/alerts/history_fixture.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from pipelines.alerts.anomalies import evaluate_anomalies, read_month_indicators
from pipelines.alerts.baseline import HistorySettings, baseline_for, judge
from pipelines.alerts.checks import HISTORY_CHECK, history_check_result
from pipelines.alerts.history_rule import evaluate_history
from pipelines.alerts.settings import AlertSettings, AlertSettingsError, AnomalyThresholds
from pipelines.rulebook.loader import RulebookError, parse_rulebook
from tests.alerts.history_fixture import EVALUATED, HOLIDAYS, ORDINARY_GUANYUN, build_history_warehouse

DEFAULTS = HistorySettings()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_history_warehouse(tmp_path_factory.mktemp("history") / "warehouse.duckdb")


@pytest.fixture
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


# -- pure ------------------------------------------------------------------------------------------
def test_robust_range_of_the_worked_example():
    j = judge(340, ORDINARY_GUANYUN, DEFAULTS, relative=True)
    assert (j.median, j.mad) == (1010.0, 20.0)
    assert j.spread == pytest.approx(101.0)  # 10 % of the median beats 1.4826 × 20 = 29.65
    assert (j.low, j.high) == (pytest.approx(707.0), pytest.approx(1313.0))
    assert j.score == pytest.approx(-6.6337, abs=1e-4)
    assert j.anomalous
    assert not judge(707, ORDINARY_GUANYUN, DEFAULTS, relative=True).anomalous  # the bound is inside
    # rates: the floor is one point, so a rate that never moved gets 100 ± 3
    rate = judge(97.0, [100.0] * 8, DEFAULTS, relative=False)
    assert (rate.low, rate.high, rate.anomalous) == (97.0, 103.0, False)
    assert judge(96.99, [100.0] * 8, DEFAULTS, relative=False).anomalous
    # a wide MAD: 1.4826 × MAD beats the floor
    wide = judge(50, [10, 30, 50, 70, 90, 110], DEFAULTS, relative=True)
    assert wide.spread == pytest.approx(1.4826 * 30)


def test_baselines_ordinary_and_holiday_months():
    ordinary = baseline_for("2022-03", HOLIDAYS, DEFAULTS)
    assert ordinary.holiday is None and ordinary.min_values == 6
    assert ordinary.months[0] == "2022-01" and ordinary.months[-1] == "2021-03"
    assert "2022-02" not in ordinary.months and len(ordinary.months) == 11  # 12 months less 春节
    festival = baseline_for("2022-02", HOLIDAYS, DEFAULTS)
    assert (festival.holiday, festival.months, festival.min_values) == ("春节", ("2021-02",), 1)
    assert baseline_for("2021-02", HOLIDAYS, DEFAULTS).months == ()
    shorter = baseline_for("2022-03", {}, HistorySettings(window_months=6, min_months=3))
    assert shorter.months == ("2022-02", "2022-01", "2021-12", "2021-11", "2021-10", "2021-09")
    with pytest.raises(ValueError, match="min_months"):
        HistorySettings(window_months=5, min_months=6)


# -- the marts -------------------------------------------------------------------------------------
def test_the_month_against_each_units_history(con):
    report = evaluate_history(con, EVALUATED, HOLIDAYS, DEFAULTS)
    found = {(f.unit_code, f.indicator.name): f for f in report.anomalies}
    assert sorted(found) == [
        ("LYG0101", "timely_sign_rate"), ("LYG0101", "uptime_rate"), ("LYG0102", "orders")
    ]
    guanyun = found[("LYG0102", "orders")].judgement
    assert (guanyun.value, guanyun.median, guanyun.low, guanyun.high) == (340, 1010, 707, 1313)
    assert found[("LYG0101", "timely_sign_rate")].judgement.low == 97.0
    assert found[("LYG0101", "uptime_rate")].judgement.value == 95.0
    reasons = {(f.unit_code, f.indicator.name): f.not_judged for f in report.not_judged}
    assert reasons[("LYG0399", "orders")] == "too little history: 2 of 6 month(s)"
    assert reasons[("LYG0302", "timely_sign_rate")] == "fewer than 20 orders this month"
    assert ("LYG0302", "orders") not in reasons  # its orders are judged (10 every month: normal)
    assert len(report.months_with_data) == 11


def test_a_spring_festival_month_is_compared_with_the_earlier_spring_festival(con):
    festival = evaluate_history(con, "2022-02", HOLIDAYS, DEFAULTS)
    assert festival.anomalies == []  # 650 against 700 (range 490 … 910)
    guanyun = next(f for f in festival.judged if (f.unit_code, f.indicator.name) == ("LYG0102", "orders"))
    assert (guanyun.judgement.low, guanyun.judgement.high) == (490.0, 910.0)
    # without the rulebook's holiday months, the same month looks like a collapse
    plain = evaluate_history(con, "2022-02", {}, DEFAULTS)
    assert {(f.unit_code, f.indicator.name) for f in plain.anomalies} >= {("LYG0102", "orders")}
    first = evaluate_history(con, "2021-02", HOLIDAYS, DEFAULTS)
    assert first.judged == [] and "no earlier 春节 month" in first.history_summary


def test_alerts_carry_the_expected_range_and_the_m1_rule_is_the_fallback(con):
    indicators = read_month_indicators(con, EVALUATED, DEFAULTS, HOLIDAYS)
    alerts = evaluate_anomalies(indicators, AnomalyThresholds())
    by_key = {alert.key: alert for alert in alerts}
    assert sorted(k for k in by_key if k.startswith("history_anomaly")) == [
        "history_anomaly|2022-03|LYG0101|timely_sign_rate",
        "history_anomaly|2022-03|LYG0101|uptime_rate",
        "history_anomaly|2022-03|LYG0102|orders",
    ]
    guanyun = by_key["history_anomaly|2022-03|LYG0102|orders"]
    assert guanyun.subject == "2022-03 灌云县 工单数 340，低于预期范围 707–1,313（对比此前 11 个常规月份）"
    assert guanyun.details["expected_low"] == 707.0 and guanyun.details["expected_high"] == 1313.0
    assert guanyun.details["unit_group"] == "县区" and guanyun.details["score"] == -6.63
    # 东海县 +121 % against its 春节 month is judged normal by its history: no orders_change;
    # 市新单位 has too little history, so the M−1 rule still speaks for it
    assert [k for k in by_key if k.startswith("orders_change")] == ["orders_change|2022-03|LYG0399"]
    # a county's uptime alert carries its group, for a group route
    assert by_key["uptime_below_target|2022-03|LYG0101"].details["unit_group"] == "县区"
    assert by_key["orders_change|2022-03|LYG0399"].details["unit_group"] == "市级部门及单位"


def test_the_history_settings_come_from_the_env(con, tmp_path):
    settings = AlertSettings.from_env({"HOTLINE_ALERT_HISTORY_MIN_MONTHS": "12"}, output_dir=tmp_path)
    report = evaluate_history(con, EVALUATED, HOLIDAYS, settings.history)
    assert report.judged == [] and "too little history: 11 of the 12" in report.history_summary
    loose = AlertSettings.from_env({"HOTLINE_ALERT_HISTORY_SENSITIVITY": "5"}, output_dir=tmp_path)
    found = evaluate_history(con, EVALUATED, HOLIDAYS, loose.history).anomalies
    # range ± 5 spreads: the uptime (−4.5 points) passes now; 92 % (−8) and 340 orders (−6.6) do not
    assert sorted((f.unit_code, f.indicator.name) for f in found) == [
        ("LYG0101", "timely_sign_rate"), ("LYG0102", "orders")
    ]
    with pytest.raises(AlertSettingsError, match="HOTLINE_ALERT_HISTORY_WINDOW_MONTHS"):
        AlertSettings.from_env({"HOTLINE_ALERT_HISTORY_WINDOW_MONTHS": "x"}, output_dir=tmp_path)
    with pytest.raises(AlertSettingsError, match="min_months"):
        AlertSettings.from_env({"HOTLINE_ALERT_HISTORY_WINDOW_MONTHS": "4"}, output_dir=tmp_path)


# -- the asset checks --------------------------------------------------------------------------------
def test_the_check_warns_with_the_findings_and_says_when_history_is_short(con):
    result = history_check_result(evaluate_history(con, EVALUATED, HOLIDAYS, DEFAULTS))
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["anomalies"].value == 3
    row = "| 灌云县 (LYG0102) | 工单数 | 340 | 707 – 1,313 | 1,010 | -6.6 |"
    assert row in result.metadata["findings"].value
    young = history_check_result(evaluate_history(con, "2021-04", HOLIDAYS, DEFAULTS))
    assert young.passed and young.metadata["judged"].value == 0
    assert young.metadata["history"].value.startswith("too little history: 2 of the 6 baseline month(s)")


def test_the_checks_are_on_the_marts():
    from pipelines.definitions import defs

    specs = {
        (spec.asset_key.to_user_string(), spec.name): spec
        for checks in defs.asset_checks or []
        for spec in checks.check_specs
    }
    for asset in ("marts/fct_unit_scores", "marts/fct_county_data_quality"):
        assert (asset, HISTORY_CHECK) in specs


def test_holiday_months_are_validated_in_the_rulebook():
    from pipelines.rulebook import load_rulebook
    from pipelines.settings import CONFIG_DIR

    shipped = load_rulebook(CONFIG_DIR / "rulebook.yaml")
    assert shipped.holiday_months["2021-02"] == "春节" and shipped.holiday_months["2023-01"] == "春节"
    versions = yaml.safe_load((CONFIG_DIR / "rulebook.yaml").read_text(encoding="utf-8"))["versions"]
    bad_month = r"holiday_months.2021-2: must be a month YYYY-MM \(for example 2021-02\), got '2021-2'"
    with pytest.raises(RulebookError, match=bad_month):
        parse_rulebook({"versions": versions, "holiday_months": {"2021-2": "春节"}}, "r.yaml")
    with pytest.raises(RulebookError, match=r"holiday_months.2021-02: the holiday's name is missing"):
        parse_rulebook({"versions": versions, "holiday_months": {"2021-02": ""}}, "r.yaml")
