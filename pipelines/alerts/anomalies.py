"""Indicator anomalies of a month: pure rules over small rows, and the reader of the warehouse.

Rules (thresholds in `AnomalyThresholds`, from env vars):
* orders_change        a unit's orders (fct_unit_scores.orders, 总工单数) moved by more than
                       ±orders_change_pct % against M−1, for units with ≥ orders_min orders in M or M−1
                       (a unit absent from M−1 is not compared; 0 → n counts as a move);
* satisfaction_change  the platform's 回访满意率 (fct_intake.satisfaction_rate) moved by more than
                       satisfaction_change_points percentage points against M−1;
* uptime_below_target  a county's interface uptime (int_county_data_quality.uptime_rate, ok probes /
                       probes) under the target: the rulebook's 接口稳定性 target of the month, unless
                       HOTLINE_ALERT_UPTIME_TARGET overrides it (a county without probes is not judged);
* quarantine_share     an input's quarantined rows (raw.quarantine, distinct source rows) over its rows
                       read, above quarantine_share_pct %. No raw.quarantine table: no alert.
* history_anomaly      a unit's indicator outside the range of its own history (`history_rule`);
                       orders_change is then only applied to units whose orders the history rule
                       could not judge (too little history): it is the fallback of a young warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from pipelines.alerts.baseline import HistorySettings
from pipelines.alerts.history_rule import HistoryReport, evaluate_history, history_alerts
from pipelines.alerts.model import Alert, AlertKind, dedup_key
from pipelines.alerts.settings import DEFAULT_UPTIME_TARGET, AnomalyThresholds
from pipelines.contract import INPUTS_BY_NAME
from pipelines.partitions import previous_month

Row = Mapping[str, Any]
#: `raw.quarantine.rule` lists the rules a row broke, separated by this
RULE_SEPARATOR = "; "
#: rules (with their row counts) shown in a quarantine alert, most rows first
MAX_RULES_SHOWN = 10


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, (Decimal, int, float)) else float(str(value))


# -- pure rules -------------------------------------------------------------------------------------
def orders_change_alerts(
    month: str, current: Iterable[Row], previous: Iterable[Row], thresholds: AnomalyThresholds
) -> list[Alert]:
    """Rows: unit_code, unit_name, orders. One alert per unit whose orders moved too much."""
    before = {row["unit_code"]: row for row in previous}
    prev_month = previous_month(month)
    alerts = []
    for row in sorted(current, key=lambda r: r["unit_code"]):
        old_row = before.get(row["unit_code"])
        if old_row is None:
            continue
        new, old = int(row["orders"] or 0), int(old_row["orders"] or 0)
        if max(new, old) < thresholds.orders_min or new == old:
            continue
        change_pct = None if old == 0 else round((new - old) * 100.0 / old, 1)
        if change_pct is not None and abs(change_pct) <= thresholds.orders_change_pct:
            continue
        name = row.get("unit_name") or row["unit_code"]
        moved = f"{change_pct:+.1f}%" if change_pct is not None else "上月为 0"
        alerts.append(
            Alert(
                kind=AlertKind.ORDERS_CHANGE,
                month=month,
                subject=f"{month} {name} 工单数 {old} → {new}（{moved}，对比 {prev_month}）",
                details={
                    "unit_code": row["unit_code"],
                    "unit_name": name,
                    "orders": new,
                    "previous_orders": old,
                    "previous_month": prev_month,
                    "change_pct": change_pct,
                    "threshold_pct": thresholds.orders_change_pct,
                    "min_orders": thresholds.orders_min,
                    **({"unit_group": row["unit_group"]} if row.get("unit_group") else {}),
                },
                source={"asset": "marts/fct_unit_scores"},
                key=dedup_key(AlertKind.ORDERS_CHANGE, month, row["unit_code"]),
            )
        )
    return alerts


def satisfaction_change_alerts(
    month: str, current_rate: Any, previous_rate: Any, thresholds: AnomalyThresholds
) -> list[Alert]:
    """The platform's satisfaction rate (percent) against M−1; nothing when either is unknown."""
    new, old = _num(current_rate), _num(previous_rate)
    if new is None or old is None:
        return []
    change = round(new - old, 2)
    if abs(change) <= thresholds.satisfaction_change_points:
        return []
    prev_month = previous_month(month)
    return [
        Alert(
            kind=AlertKind.SATISFACTION_CHANGE,
            month=month,
            subject=(
                f"{month} 平台回访满意率 {old:.2f}% → {new:.2f}%（{change:+.2f} 个百分点，对比 {prev_month}）"
            ),
            details={
                "satisfaction_rate": new,
                "previous_satisfaction_rate": old,
                "previous_month": prev_month,
                "change_points": change,
                "threshold_points": thresholds.satisfaction_change_points,
            },
            source={"asset": "marts/fct_intake"},
            key=dedup_key(AlertKind.SATISFACTION_CHANGE, month),
        )
    ]


def uptime_alerts(month: str, rows: Iterable[Row], target: float) -> list[Alert]:
    """Rows: unit_code, unit_name, probes, ok_probes, uptime_rate (percent; null without probes)."""
    alerts = []
    for row in sorted(rows, key=lambda r: r["unit_code"]):
        uptime = _num(row.get("uptime_rate"))
        if uptime is None or not row.get("probes") or uptime >= target:
            continue
        name = row.get("unit_name") or row["unit_code"]
        alerts.append(
            Alert(
                kind=AlertKind.UPTIME_BELOW_TARGET,
                month=month,
                subject=f"{month} {name} 接口稳定性 {uptime:.2f}%，低于目标 {target:g}%",
                details={
                    "unit_code": row["unit_code"],
                    "unit_name": name,
                    "uptime_rate": round(uptime, 2),
                    "target": target,
                    "probes": int(row["probes"]),
                    "ok_probes": int(row.get("ok_probes") or 0),
                    # so that a group route (routing.py) reaches the county
                    **({"unit_group": row["unit_group"]} if row.get("unit_group") else {}),
                },
                source={"asset": "intermediate/int_county_data_quality"},
                key=dedup_key(AlertKind.UPTIME_BELOW_TARGET, month, row["unit_code"]),
            )
        )
    return alerts


def quarantine_share_alerts(month: str, rows: Iterable[Row], threshold_pct: float) -> list[Alert]:
    """Rows: input, rows_read, rows_quarantined, rules (mapping rule → rows). One alert per input."""
    alerts = []
    for row in sorted(rows, key=lambda r: r["input"]):
        read, quarantined = int(row.get("rows_read") or 0), int(row.get("rows_quarantined") or 0)
        if read <= 0 or quarantined <= 0:
            continue
        share = round(quarantined * 100.0 / read, 2)
        if share <= threshold_pct:
            continue
        alerts.append(
            Alert(
                kind=AlertKind.QUARANTINE_SHARE,
                month=month,
                subject=(
                    f"{month} {row['input']} 隔离 {quarantined} 行 / 读入 {read} 行（{share:.2f}%，"
                    f"阈值 {threshold_pct:g}%）"
                ),
                details={
                    "input": row["input"],
                    "rows_read": read,
                    "rows_quarantined": quarantined,
                    "share_pct": share,
                    "threshold_pct": threshold_pct,
                    "rules": dict(row.get("rules") or {}),
                },
                source={"asset": f"raw/{row['input']}", "table": "raw.quarantine"},
                key=dedup_key(AlertKind.QUARANTINE_SHARE, month, row["input"]),
            )
        )
    return alerts


# -- the month's figures, read from the warehouse --------------------------------------------------
@dataclass
class MonthIndicators:
    month: str
    unit_orders: list[dict[str, Any]] = field(default_factory=list)
    previous_unit_orders: list[dict[str, Any]] = field(default_factory=list)
    satisfaction_rate: Any = None
    previous_satisfaction_rate: Any = None
    uptime: list[dict[str, Any]] = field(default_factory=list)
    #: the rulebook's 接口稳定性 target of the month (None when raw.rulebook_params has none)
    rulebook_uptime_target: float | None = None
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    #: the history rule's findings (None: not evaluated)
    history: HistoryReport | None = None


def evaluate_anomalies(indicators: MonthIndicators, thresholds: AnomalyThresholds) -> list[Alert]:
    month = indicators.month
    target = thresholds.uptime_target
    if target is None:
        target = indicators.rulebook_uptime_target
    if target is None:
        target = DEFAULT_UPTIME_TARGET
    history = indicators.history
    judged = history.judged_units("orders") if history is not None else set()
    unit_orders = [row for row in indicators.unit_orders if row["unit_code"] not in judged]
    return [
        *orders_change_alerts(month, unit_orders, indicators.previous_unit_orders, thresholds),
        *satisfaction_change_alerts(
            month, indicators.satisfaction_rate, indicators.previous_satisfaction_rate, thresholds
        ),
        *uptime_alerts(month, indicators.uptime, target),
        *quarantine_share_alerts(month, indicators.quarantine, thresholds.quarantine_share_pct),
        *(history_alerts(history) if history is not None else []),
    ]


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return {row[0] for row in rows}


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_month_indicators(
    con: duckdb.DuckDBPyConnection,
    month: str,
    history: HistorySettings | None = None,
    holiday_months: Mapping[str, str] | None = None,
) -> MonthIndicators:
    """The figures the rules need for `month` and M−1 (and, with `history`, the history rule's
    window); a missing table means no figures."""
    prev = previous_month(month)
    found = MonthIndicators(month=month)
    if history is not None:
        found.history = evaluate_history(con, month, holiday_months or {}, history)
    if _exists(con, "marts", "fct_unit_scores"):
        sql = "select unit_code, unit_name, unit_group, orders from marts.fct_unit_scores where month = ?"
        found.unit_orders = _dicts(con.execute(sql, [month]))
        found.previous_unit_orders = _dicts(con.execute(sql, [prev]))
    if _exists(con, "marts", "fct_intake"):
        sql = "select satisfaction_rate from marts.fct_intake where month = ?"
        current = con.execute(sql, [month]).fetchone()
        previous = con.execute(sql, [prev]).fetchone()
        found.satisfaction_rate = current[0] if current else None
        found.previous_satisfaction_rate = previous[0] if previous else None
    if _exists(con, "intermediate", "int_county_data_quality"):
        names = (
            "left join marts.fct_county_data_quality names"
            " on names.month = q.month and names.unit_code = q.unit_code"
            if _exists(con, "marts", "fct_county_data_quality")
            else ""
        )
        unit_name = "names.unit_name" if names else "null"
        groups = (
            "left join marts.fct_unit_scores scores"
            " on scores.month = q.month and scores.unit_code = q.unit_code"
            if _exists(con, "marts", "fct_unit_scores")
            else ""
        )
        unit_group = "scores.unit_group" if groups else "null"
        found.uptime = _dicts(
            con.execute(
                f"select q.unit_code, coalesce({unit_name}, q.unit_code) as unit_name, q.probes,"
                f" q.ok_probes, q.uptime_rate, {unit_group} as unit_group"
                f" from intermediate.int_county_data_quality q {names} {groups}"
                " where q.month = ? order by q.unit_code",
                [month],
            )
        )
    if _exists(con, "raw", "rulebook_params"):
        target = con.execute(
            "select max(value) from raw.rulebook_params"
            " where month = ? and item = '接口稳定性' and param = 'target'",
            [month],
        ).fetchone()
        found.rulebook_uptime_target = _num(target[0]) if target else None
    if _exists(con, "raw", "quarantine"):
        found.quarantine = _read_quarantine(con, month)
    return found


def _read_quarantine(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    """Per input: rows quarantined (distinct source rows), rows read, rows per rule.

    Rows read = distinct source rows of the month in `raw.<input>` ∪ `raw.quarantine`, which holds
    whether the quarantined rows are also kept in `raw.<input>` or removed from it.
    """
    # `rule` lists what a row broke, `; `-separated; a loader message quoting a cell
    # ("received_at: '2021-13-45' is not a timestamp") is counted under "<column>: unparseable"
    per_rule = con.execute(
        f"""
        with parts as (
            select input, source_row, trim(unnest(string_split(rule, '{RULE_SEPARATOR}'))) as part
            from raw.quarantine where month = ? and source_row is not null
        )
        select input,
               case when regexp_matches(part, '^[A-Za-z_]+: ')
                    then regexp_extract(part, '^([A-Za-z_]+):', 1) || ': unparseable'
                    else part end as rule_name,
               count(distinct source_row) as row_count
        from parts where part <> ''
        group by all order by input, row_count desc, rule_name
        """,
        [month],
    ).fetchall()
    rules: dict[str, dict[str, int]] = {}
    for input_name, rule, count in per_rule:
        named = rules.setdefault(str(input_name), {})
        if len(named) < MAX_RULES_SHOWN:
            named[str(rule)] = int(count)
    inputs = [row[0] for row in con.execute(
        "select distinct input from raw.quarantine where month = ? and source_row is not null order by 1",
        [month],
    ).fetchall()]
    for input_name in inputs:
        rules.setdefault(str(input_name), {})
    rows = []
    for input_name in sorted(rules):
        quarantined_sql = (
            "select source_row from raw.quarantine where month = ? and input = ? and source_row is not null"
        )
        params: list[Any] = [month, input_name]
        parts = [quarantined_sql]
        spec = INPUTS_BY_NAME.get(input_name)
        # the table name comes from the contract, never from the quarantine table's text
        if spec is not None and "source_row" in _columns(con, "raw", spec.name):
            parts.append(f"select source_row from raw.{spec.name} where month = ? and source_row is not null")
            params.append(month)
        read_sql = f"select count(distinct source_row) from ({' union all '.join(parts)})"
        quarantined_row = con.execute(
            "select count(distinct source_row) from raw.quarantine"
            " where month = ? and input = ? and source_row is not null",
            [month, input_name],
        ).fetchone()
        read_row = con.execute(read_sql, params).fetchone()
        rows.append(
            {
                "input": input_name,
                "rows_read": int(read_row[0]) if read_row else 0,
                "rows_quarantined": int(quarantined_row[0]) if quarantined_row else 0,
                "rules": rules[input_name],
            }
        )
    return rows


def holiday_months_of(rulebook_path: Any) -> dict[str, str]:
    """The rulebook's holiday_months (an unreadable rulebook fails its own asset: here, none)."""
    from pipelines.rulebook import RulebookError, load_rulebook

    try:
        return load_rulebook(rulebook_path).holiday_months
    except RulebookError:
        return {}


def month_anomaly_alerts(
    con: duckdb.DuckDBPyConnection, month: str, thresholds: AnomalyThresholds,
    history: HistorySettings, rulebook_path: Any,
) -> list[Alert]:
    """Every indicator rule of the month (the sensor's and `hotline run`'s shared entry point)."""
    indicators = read_month_indicators(con, month, history, holiday_months_of(rulebook_path))
    return evaluate_anomalies(indicators, thresholds)
