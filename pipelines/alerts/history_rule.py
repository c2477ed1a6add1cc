"""Anomalies against each unit's own history, read from the per-month marts (docs/alerts.md).

For every unit and indicator, the month's value is judged against the unit's values in the baseline
months (`baseline.baseline_for`: the ordinary months of the window, or the earlier years' months of
the same holiday) with the median/MAD range of `baseline.judge`. Only the marts' rows of the month
and of the baseline months are read (at most window_months + 1 months, whatever the history), so
the cost does not grow with the warehouse.

Indicators (the table, the column, what kind of number):
* units of the ranked groups, `marts.fct_unit_scores`: `orders` (总工单数, a count), and the three
  rates `timely_sign_rate` (及时签收率), `on_time_completion_rate` (按时办结率),
  `satisfaction_city_rate` (回访满意率, 市派) in percent; a rate is judged only when the unit has at
  least `min_orders` orders in the month;
* counties: `intermediate.int_county_data_quality.uptime_rate` (接口稳定性, ok probes / probes, percent)
  and the data-quality items of `marts.fct_county_data_quality` in points: `data_completeness`
  (数据完整), `content_completeness` (内容完整), `timeliness` (数据及时), `total` (数据质量总分).

A value that is null in the month (no denominator) is not judged; baseline months where it is null
do not count towards the minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from pipelines.alerts.baseline import Baseline, HistorySettings, Judgement, baseline_for, judge
from pipelines.alerts.model import Alert, AlertKind, dedup_key

UNIT_SCORES = "marts.fct_unit_scores"
COUNTY_QUALITY = "marts.fct_county_data_quality"
COUNTY_UPTIME = "intermediate.int_county_data_quality"


@dataclass(frozen=True)
class Indicator:
    name: str
    title: str
    relation: str
    column: str
    #: a count (orders): the spread's floor is relative to the median; else points / percent
    relative: bool
    #: the asset whose history check reports it
    asset: str
    #: judged only for units with at least `min_orders` orders in the month
    needs_orders: bool = False
    unit: str = ""


UNIT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("orders", "工单数", UNIT_SCORES, "orders", True, "marts/fct_unit_scores"),
    Indicator("timely_sign_rate", "及时签收率", UNIT_SCORES, "timely_sign_rate", False,
              "marts/fct_unit_scores", needs_orders=True, unit="%"),
    Indicator("on_time_completion_rate", "按时办结率", UNIT_SCORES, "on_time_completion_rate", False,
              "marts/fct_unit_scores", needs_orders=True, unit="%"),
    Indicator("satisfaction_city_rate", "回访满意率（市派）", UNIT_SCORES, "satisfaction_city_rate", False,
              "marts/fct_unit_scores", needs_orders=True, unit="%"),
)  # fmt: skip
COUNTY_INDICATORS: tuple[Indicator, ...] = (
    Indicator("uptime_rate", "接口稳定性（可用率）", COUNTY_UPTIME, "uptime_rate", False,
              "marts/fct_county_data_quality", unit="%"),
    Indicator("data_completeness", "数据完整（得分）", COUNTY_QUALITY, "data_completeness", False,
              "marts/fct_county_data_quality", unit="分"),
    Indicator("content_completeness", "内容完整（得分）", COUNTY_QUALITY, "content_completeness", False,
              "marts/fct_county_data_quality", unit="分"),
    Indicator("timeliness", "数据及时（得分）", COUNTY_QUALITY, "timeliness", False,
              "marts/fct_county_data_quality", unit="分"),
    Indicator("total", "数据质量总分", COUNTY_QUALITY, "total", False,
              "marts/fct_county_data_quality", unit="分"),
)  # fmt: skip
INDICATORS = UNIT_INDICATORS + COUNTY_INDICATORS


@dataclass(frozen=True)
class Finding:
    """One unit × indicator of the month: judged (with its range) or not (with the reason)."""

    indicator: Indicator
    unit_code: str
    unit_name: str
    unit_group: str | None
    value: float | None
    judgement: Judgement | None = None
    not_judged: str | None = None

    @property
    def anomalous(self) -> bool:
        return self.judgement is not None and self.judgement.anomalous


@dataclass
class HistoryReport:
    month: str
    baseline: Baseline
    settings: HistorySettings
    indicators: tuple[Indicator, ...]
    findings: list[Finding] = field(default_factory=list)
    #: baseline months that have rows in the marts
    months_with_data: tuple[str, ...] = ()

    @property
    def anomalies(self) -> list[Finding]:
        return [f for f in self.findings if f.anomalous]

    @property
    def judged(self) -> list[Finding]:
        return [f for f in self.findings if f.judgement is not None]

    @property
    def not_judged(self) -> list[Finding]:
        return [f for f in self.findings if f.judgement is None]

    def judged_units(self, indicator: str) -> set[str]:
        return {f.unit_code for f in self.judged if f.indicator.name == indicator}

    @property
    def history_summary(self) -> str:
        """Why nothing (or little) was judged, in one sentence (asset check metadata)."""
        base = self.baseline
        if base.holiday and not base.months:
            return (
                f"{self.month} is a {base.holiday} month and no earlier {base.holiday} month is in the "
                "rulebook's holiday_months: not judged"
            )
        have = len(self.months_with_data)
        if have < base.min_values:
            return (
                f"too little history: {have} of the {base.min_values} baseline month(s) needed have data "
                f"({base.description}): not judged"
            )
        return f"compared with {base.description}; {have} baseline month(s) with data"


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, (Decimal, int, float)) else float(str(value))


def _exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, table = relation.split(".")
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


def _rows(
    con: duckdb.DuckDBPyConnection, relation: str, columns: Iterable[str], months: list[str]
) -> list[dict[str, Any]]:
    """The relation's rows of the given months only (relation and columns are ours, not input)."""
    names = ["month", "unit_code", *dict.fromkeys(columns)]
    marks = ", ".join("?" for _ in months)
    cursor = con.execute(f"select {', '.join(names)} from {relation} where month in ({marks})", months)
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def evaluate_history(
    con: duckdb.DuckDBPyConnection,
    month: str,
    holiday_months: Mapping[str, str],
    settings: HistorySettings,
    indicators: tuple[Indicator, ...] = INDICATORS,
) -> HistoryReport:
    """Judge every unit × indicator of `month` against its baseline months (tables missing: none)."""
    baseline = baseline_for(month, holiday_months, settings)
    report = HistoryReport(month=month, baseline=baseline, settings=settings, indicators=indicators)
    months = [month, *baseline.months]
    units: dict[str, dict[str, Any]] = {}
    if _exists(con, UNIT_SCORES):
        for row in _rows(con, UNIT_SCORES, ["unit_name", "unit_group", "orders"], [month]):
            units[row["unit_code"]] = row
    names: dict[str, str] = {code: row["unit_name"] for code, row in units.items()}
    if _exists(con, COUNTY_QUALITY):
        for row in _rows(con, COUNTY_QUALITY, ["unit_name"], [month]):
            names.setdefault(row["unit_code"], row["unit_name"])
    by_relation: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        by_relation.setdefault(indicator.relation, []).append(indicator)
    seen_months: set[str] = set()
    for relation, group in by_relation.items():
        if not _exists(con, relation):
            continue
        values: dict[tuple[str, str], dict[str, Any]] = {}
        for row in _rows(con, relation, [i.column for i in group], months):
            values[(row["unit_code"], row["month"])] = row
            if row["month"] != month:
                seen_months.add(row["month"])
        current_units = sorted(code for code, m in values if m == month)
        for indicator in group:
            for code in current_units:
                report.findings.append(
                    _finding(indicator, code, values, month, baseline, settings, units, names)
                )
    report.months_with_data = tuple(m for m in baseline.months if m in seen_months)
    return report


def _finding(
    indicator: Indicator,
    code: str,
    values: Mapping[tuple[str, str], Mapping[str, Any]],
    month: str,
    baseline: Baseline,
    settings: HistorySettings,
    units: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str],
) -> Finding:
    unit = units.get(code, {})
    common = {
        "indicator": indicator,
        "unit_code": code,
        "unit_name": names.get(code) or code,
        "unit_group": unit.get("unit_group"),
    }
    value = _num(values[(code, month)].get(indicator.column))
    if value is None:
        return Finding(**common, value=None, not_judged="no value this month (no denominator)")
    if indicator.needs_orders and int(unit.get("orders") or 0) < settings.min_orders:
        reason = f"fewer than {settings.min_orders} orders this month"
        return Finding(**common, value=value, not_judged=reason)
    if baseline.holiday and not baseline.months:
        return Finding(**common, value=value, not_judged=f"no earlier {baseline.holiday} month")
    history = [
        v
        for m in baseline.months
        if (row := values.get((code, m))) is not None and (v := _num(row.get(indicator.column))) is not None
    ]
    if len(history) < baseline.min_values:
        return Finding(
            **common,
            value=value,
            not_judged=f"too little history: {len(history)} of {baseline.min_values} month(s)",
        )
    return Finding(**common, value=value, judgement=judge(value, history, settings, indicator.relative))


# -- alerts -------------------------------------------------------------------------------------------
def _shown(value: float, indicator: Indicator) -> str:
    return f"{value:,.0f}" if indicator.relative else f"{value:.2f}"


def history_alerts(report: HistoryReport) -> list[Alert]:
    """One `history_anomaly` alert per anomalous unit × indicator, with the expected range."""
    alerts = []
    base = report.baseline
    compared = f"对比往年{base.holiday}月份" if base.holiday else f"对比此前 {len(base.months)} 个常规月份"
    for finding in sorted(report.anomalies, key=lambda f: (f.unit_code, f.indicator.name)):
        j = finding.judgement
        assert j is not None
        ind = finding.indicator
        direction = "低于" if j.value < j.low else "高于"
        low, high = _shown(j.low, ind), _shown(j.high, ind)
        alerts.append(
            Alert(
                kind=AlertKind.HISTORY_ANOMALY,
                month=report.month,
                subject=(
                    f"{report.month} {finding.unit_name} {ind.title} {_shown(j.value, ind)}{ind.unit}，"
                    f"{direction}预期范围 {low}–{high}{ind.unit}（{compared}）"
                ),
                details={
                    "unit_code": finding.unit_code,
                    "unit_name": finding.unit_name,
                    "unit_group": finding.unit_group,
                    "indicator": ind.name,
                    "indicator_title": ind.title,
                    "value": round(j.value, 2),
                    "expected_low": round(j.low, 2),
                    "expected_high": round(j.high, 2),
                    "median": round(j.median, 2),
                    "mad": round(j.mad, 2),
                    "score": round(j.score, 2),
                    "sensitivity": report.settings.sensitivity,
                    "baseline_months": list(base.months),
                    "history": [round(v, 2) for v in j.history],
                    "holiday": base.holiday,
                },
                source={"asset": ind.asset, "check": "history_anomalies", "table": ind.relation},
                key=dedup_key(AlertKind.HISTORY_ANOMALY, report.month, finding.unit_code, ind.name),
            )
        )
    return alerts
