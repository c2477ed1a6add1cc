"""A scale-1 February 2021 looks like the real one (example-bulletin-2021-02), within tolerances,
and the figures the generator reports are what rules.md computes from its files."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.demo.generator import GenerationSummary
from pipelines.demo.volumes import read_units
from tests.demo.rulebook import unit_rates

START, CUTOFF = pd.Timestamp("2021-02-01"), pd.Timestamp("2021-03-01")


def share(orders: pd.DataFrame, column: str, value: str) -> float:
    return 100 * float((orders[column] == value).mean())


def test_intake_volumes(full_orders: pd.DataFrame) -> None:
    total = len(full_orders)
    assert abs(total - 71_000) <= 0.03 * 71_000
    assert share(full_orders, "handling", "直接办理") == pytest.approx(62, abs=2)
    carried = 100 * float((full_orders["received_at"] < START).mean())
    assert carried == pytest.approx(5, abs=1.5)
    assert share(full_orders, "dispatch_level", "省派") == pytest.approx(1.2, abs=0.4)
    supervision = int((full_orders["supervision"] == "是").sum())
    assert 2 <= supervision <= 20


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("channel", "电话", 61.1),
        ("channel", "监督员上报", 33.2),
        ("channel", "微信", 4.0),
        ("channel", "省12345平台交办", 1.2),
        ("category", "咨询", 38.4),
        ("category", "信息采集上报", 33.3),
        ("category", "求助", 28.0),
    ],
)
def test_big_shares(full_orders: pd.DataFrame, column: str, value: str, expected: float) -> None:
    assert share(full_orders, column, value) == pytest.approx(expected, abs=2)


def test_small_shares(full_orders: pd.DataFrame) -> None:
    for column, values in (
        ("channel", ["市民APP", "门户网站", "视频监控", "邮件", "好差评"]),
        ("category", ["建议", "表扬", "举报", "投诉"]),
    ):
        for value in values:
            assert share(full_orders, column, value) < 0.35, value


def test_units(full_orders: pd.DataFrame) -> None:
    units = {u.code: u for u in read_units()}
    per_unit = full_orders.groupby("unit_code").size()
    assert set(per_unit.index) <= set(units)
    without = sorted(set(units) - set(per_unit.index))
    assert len(without) == 11
    assert all(units[c].group == "市级部门及单位" for c in without)
    by_name = {units[c].name: n for c, n in per_unit.items()}
    assert by_name["海州区"] == pytest.approx(9842, rel=0.05)
    for county in ("东海县", "灌云县", "灌南县", "赣榆区"):
        assert 1000 <= by_name[county] <= 1700
    assert min(per_unit) <= 3


def test_spring_festival_dip(full_orders: pd.DataFrame) -> None:
    received = full_orders.loc[full_orders["received_at"] >= START, "received_at"].dt.date
    per_day = received.value_counts()
    holiday = [
        d
        for d in per_day.index
        if pd.Timestamp("2021-02-11").date() <= d <= pd.Timestamp("2021-02-17").date()
    ]
    workdays = [pd.Timestamp(d).date() for d in ("2021-02-02", "2021-02-03", "2021-02-23", "2021-02-24")]
    assert per_day[holiday].mean() < 0.6 * per_day[workdays].mean()


def test_reported_figures_match_the_files(full_month: GenerationSummary, full_orders: pd.DataFrame) -> None:
    intake = full_month.figures["intake"]
    assert intake["total"] == len(full_orders) == full_month.row_counts["orders"]
    assert intake["carried_over"] == int((full_orders["received_at"] < START).sum())
    assert intake["direct"] == int((full_orders["handling"] == "直接办理").sum())
    channels = full_orders["channel"].value_counts()
    for row in full_month.figures["by_channel"]:
        assert row["count"] == channels.get(row["name"], 0)

    rates = unit_rates(full_orders, START, CUTOFF)
    total = rates.sum()
    assert intake["timely_sign_rate"] == round(100 * total["sign_on_time"] / total["sign_total"], 2)
    assert intake["on_time_completion_rate"] == round(100 * total["due_on_time"] / total["due_total"], 2)
    assert intake["satisfaction_rate"] == round(100 * total["satisfied"] / total["rated"], 2)
    for code, counters in full_month.figures["units"].items():
        assert counters["due_total"] == rates.at[code, "due_total"], code
        assert counters["sign_on_time"] == rates.at[code, "sign_on_time"], code


def test_platform_rates_are_realistic(full_month: GenerationSummary, full_orders: pd.DataFrame) -> None:
    intake = full_month.figures["intake"]
    assert 94.5 <= intake["on_time_completion_rate"] <= 97.5
    assert 99.5 <= intake["timely_sign_rate"] <= 100
    assert 93.5 <= intake["satisfaction_rate"] <= 97
    assert 75 <= full_month.figures["province"]["satisfaction_rate"] <= 92

    rates = unit_rates(full_orders, START, CUTOFF)
    sign = rates["sign_on_time"] / rates["sign_total"]
    on_time = rates["due_on_time"] / rates["due_total"]
    satisfaction = rates["city_satisfied"] / rates["city_rated"]
    assert (sign < 0.95).sum() >= 2  # weak units exist
    assert (on_time < 0.9).sum() >= 2
    assert (satisfaction < 0.9).sum() >= 3
    assert (on_time == 1).sum() >= 20  # and most units do well


def test_one_unit_has_orders_but_none_due(full_month: GenerationSummary, full_orders: pd.DataFrame) -> None:
    rates = unit_rates(full_orders, START, CUTOFF)
    none_due = sorted(rates.index[rates["due_total"] == 0])
    assert none_due == full_month.figures["units_without_due_orders"] == ["LYG0365"]  # 市外办
