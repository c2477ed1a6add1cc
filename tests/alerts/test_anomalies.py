"""Indicator anomalies: the pure rules, the reader of the warehouse, and the sensor end to end
(a real run in a real instance → the sensor → real HTTP and SMTP servers, exactly once)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import dagster as dg
import pytest

from pipelines.alerts import sensors as alert_sensors
from pipelines.alerts.anomalies import (
    MonthIndicators,
    evaluate_anomalies,
    orders_change_alerts,
    quarantine_share_alerts,
    read_month_indicators,
    satisfaction_change_alerts,
    uptime_alerts,
)
from pipelines.alerts.sensors import indicator_anomaly_alerts, read_only_warehouse
from pipelines.alerts.settings import AnomalyThresholds
from pipelines.partitions import monthly_partitions
from pipelines.warehouse import warehouse_lock
from tests.alerts.conftest import assert_no_secret, configure_channels
from tests.alerts.warehouse_fixture import MONTH, PREVIOUS, build_warehouse

# slow: materializes months through Dagster and dbt (make test-fast leaves it out)
pytestmark = pytest.mark.slow

DEFAULTS = AnomalyThresholds()


def _unit(code: str, orders: int, name: str | None = None) -> dict:
    return {"unit_code": code, "unit_name": name or code, "orders": orders}


# -- pure rules --------------------------------------------------------------------------------------
def test_orders_change_beyond_the_threshold_for_units_with_enough_orders():
    current = [_unit("A", 48), _unit("B", 44), _unit("C", 18), _unit("D", 10), _unit("E", 25),
               _unit("F", 60), _unit("G", 45), _unit("H", 0)]
    previous = [_unit("A", 30), _unit("B", 30), _unit("C", 10), _unit("D", 25), _unit("E", 0),
                _unit("G", 30), _unit("H", 0)]
    alerts = orders_change_alerts(MONTH, current, previous, DEFAULTS)
    by_unit = {alert.details["unit_code"]: alert for alert in alerts}
    # A +60 %, D −60 %, E from 0; B +46.7 % and G exactly +50 % are within; C under 20 orders;
    # F has no previous month; H did not move
    assert sorted(by_unit) == ["A", "D", "E"]
    assert by_unit["A"].details["change_pct"] == 60.0
    assert by_unit["D"].details["change_pct"] == -60.0
    assert by_unit["E"].details["change_pct"] is None and "上月为 0" in by_unit["E"].subject
    assert by_unit["A"].key == "orders_change|2021-02|A"
    assert by_unit["A"].details["previous_month"] == PREVIOUS


def test_orders_thresholds_are_settings():
    current, previous = [_unit("A", 14)], [_unit("A", 10)]
    assert orders_change_alerts(MONTH, current, previous, DEFAULTS) == []
    loose = AnomalyThresholds(orders_change_pct=30, orders_min=10)
    assert [a.details["change_pct"] for a in orders_change_alerts(MONTH, current, previous, loose)] == [40.0]


def test_satisfaction_moves_more_than_the_points_threshold():
    [alert] = satisfaction_change_alerts(MONTH, 88.10, 95.48, DEFAULTS)
    assert alert.details["change_points"] == -7.38
    assert alert.key == "satisfaction_change|2021-02"
    assert "95.48% → 88.10%" in alert.subject
    assert satisfaction_change_alerts(MONTH, 90.0, 95.0, DEFAULTS) == []  # exactly 5 points: within
    assert satisfaction_change_alerts(MONTH, 90.0, None, DEFAULTS) == []  # no previous month
    assert satisfaction_change_alerts(MONTH, None, 95.0, DEFAULTS) == []
    tight = AnomalyThresholds(satisfaction_change_points=2)
    assert len(satisfaction_change_alerts(MONTH, 90.0, 95.0, tight)) == 1


def test_uptime_under_the_target():
    rows = [
        {"unit_code": "C1", "unit_name": "东海县", "probes": 200, "ok_probes": 195, "uptime_rate": 97.5},
        {"unit_code": "C2", "unit_name": "灌云县", "probes": 100, "ok_probes": 99, "uptime_rate": 99.0},
        {"unit_code": "C3", "unit_name": "赣榆区", "probes": 0, "ok_probes": 0, "uptime_rate": None},
    ]
    [alert] = uptime_alerts(MONTH, rows, 99.0)
    assert alert.details == {"unit_code": "C1", "unit_name": "东海县", "uptime_rate": 97.5, "target": 99.0,
                             "probes": 200, "ok_probes": 195}
    assert alert.subject == "2021-02 东海县 接口稳定性 97.50%，低于目标 99%"
    assert [a.details["unit_code"] for a in uptime_alerts(MONTH, rows, 99.5)] == ["C1", "C2"]


def test_quarantine_share_over_the_threshold():
    rows = [
        {"input": "orders", "rows_read": 200, "rows_quarantined": 5, "rules": {"unknown_unit": 2}},
        {"input": "units", "rows_read": 150, "rows_quarantined": 1, "rules": {}},
        {"input": "test_calls", "rows_read": 100, "rows_quarantined": 1, "rules": {}},  # exactly 1 %
        {"input": "inspections", "rows_read": 0, "rows_quarantined": 0, "rules": {}},
    ]
    [alert] = quarantine_share_alerts(MONTH, rows, 1.0)
    assert alert.details["input"] == "orders" and alert.details["share_pct"] == 2.5
    assert alert.key == "quarantine_share|2021-02|orders"
    assert quarantine_share_alerts(MONTH, rows, 5.0) == []


def test_the_uptime_target_is_the_rulebooks_unless_set():
    rows = [{"unit_code": "C1", "unit_name": "C1", "probes": 10, "ok_probes": 10, "uptime_rate": 99.2}]
    indicators = MonthIndicators(month=MONTH, uptime=rows, rulebook_uptime_target=99.5)
    assert [a.details["target"] for a in evaluate_anomalies(indicators, DEFAULTS)] == [99.5]
    assert evaluate_anomalies(indicators, AnomalyThresholds(uptime_target=99)) == []
    indicators.rulebook_uptime_target = None  # no rulebook figure: the documented 99
    assert evaluate_anomalies(indicators, DEFAULTS) == []


# -- the reader ------------------------------------------------------------------------------------
@pytest.mark.parametrize("keep_quarantined_in_raw", [False, True])
def test_the_reader_finds_every_anomaly_of_the_fixture_month(tmp_path, keep_quarantined_in_raw):
    path = build_warehouse(tmp_path / "w.duckdb", keep_quarantined_in_raw=keep_quarantined_in_raw)
    with read_only_warehouse(path) as con:
        indicators = read_month_indicators(con, MONTH)
    assert indicators.rulebook_uptime_target == 99.0
    assert {row["input"]: (row["rows_read"], row["rows_quarantined"]) for row in indicators.quarantine} == {
        "orders": (200, 5),
        "units": (150, 1),
    }
    alerts = evaluate_anomalies(indicators, DEFAULTS)
    assert sorted(alert.key for alert in alerts) == [
        "orders_change|2021-02|LYG0101",
        "orders_change|2021-02|LYG0302",
        "orders_change|2021-02|LYG0303",
        "quarantine_share|2021-02|orders",
        "satisfaction_change|2021-02",
        "uptime_below_target|2021-02|LYG0101",
    ]
    quarantine = next(alert for alert in alerts if alert.kind == "quarantine_share")
    assert quarantine.details["rules"] == {
        "dispatched_after_received": 3,
        "after_cutoff": 1,
        "received_at: unparseable": 1,
        "unknown_unit": 1,
    }


def test_no_quarantine_table_means_no_quarantine_alert(tmp_path):
    path = build_warehouse(tmp_path / "w.duckdb", quarantine=False)
    with read_only_warehouse(path) as con:
        indicators = read_month_indicators(con, MONTH)
    assert indicators.quarantine == []
    assert "quarantine_share" not in {alert.kind for alert in evaluate_anomalies(indicators, DEFAULTS)}


def test_a_month_without_its_previous_month_compares_nothing(tmp_path):
    path = build_warehouse(tmp_path / "w.duckdb")
    with read_only_warehouse(path) as con:
        indicators = read_month_indicators(con, PREVIOUS)
    kinds = {alert.kind for alert in evaluate_anomalies(indicators, DEFAULTS)}
    assert not kinds & {"orders_change", "satisfaction_change"}


# -- the sensor, end to end --------------------------------------------------------------------------
@dg.asset(key=["marts", "probe_fct_intake"], partitions_def=monthly_partitions)
def probe_mart() -> None:
    """Stands for the month's dbt models: the sensor reacts to a finished run that materialized a month."""


def _run_month(instance: dg.DagsterInstance) -> None:
    assert dg.materialize([probe_mart], partition_key=MONTH, instance=instance).success


def _tick(instance, resources, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    return indicator_anomaly_alerts.evaluate_tick(context)


def test_the_sensor_sends_each_anomaly_once(
    monkeypatch, http_server, smtp_server, instance, resources, alert_log, capsys
):
    configure_channels(monkeypatch, http_server, smtp_server, "json")
    build_warehouse(Path(resources["warehouse"].database))

    nothing_yet = _tick(instance, resources, None)
    assert http_server.requests == [] and smtp_server.messages == []

    _run_month(instance)
    first = _tick(instance, resources, nothing_yet.cursor)
    assert len(http_server.requests) == 1
    body = http_server.requests[0].body
    assert body["source"] == "hotline-bulletin" and body["count"] == 6
    kinds = sorted(alert["kind"] for alert in body["alerts"])
    assert kinds == ["orders_change"] * 3 + ["quarantine_share", "satisfaction_change", "uptime_below_target"]
    uptime = next(alert for alert in body["alerts"] if alert["kind"] == "uptime_below_target")
    assert uptime["details"]["unit_name"] == "东海县" and uptime["details"]["uptime_rate"] == 97.5
    satisfaction = next(alert for alert in body["alerts"] if alert["kind"] == "satisfaction_change")
    assert satisfaction["details"]["change_points"] == -7.38

    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0].message
    assert "6 条告警（2021-02）" in mail["Subject"]
    body_text = mail.get_content()
    assert "东海县 工单数 120 → 40（-66.7%，对比 2021-01）" in body_text
    assert "orders 隔离 5 行 / 读入 200 行（2.50%，阈值 1%）" in body_text

    # tick again, and run the month again: nothing is sent twice
    second = _tick(instance, resources, first.cursor)
    _run_month(instance)
    _tick(instance, resources, second.cursor)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1
    records = [json.loads(line) for line in alert_log.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 6 and {record["status"] for record in records} == {"sent"}
    captured = capsys.readouterr()
    assert_no_secret(alert_log.read_text(encoding="utf-8"), captured.out, captured.err)


def test_a_busy_warehouse_is_read_at_a_later_tick(monkeypatch, instance, resources, alert_log):
    """While a run holds the warehouse the sensor keeps its cursor, and reads the month later."""
    monkeypatch.setattr(alert_sensors, "WAREHOUSE_WAIT_SECONDS", 0.2)
    path = build_warehouse(Path(resources["warehouse"].database))
    start = _tick(instance, resources, None)
    _run_month(instance)

    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with warehouse_lock(path):
            held.set()
            release.wait(timeout=10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(timeout=10)
        busy = _tick(instance, resources, start.cursor)
    finally:
        release.set()
        holder.join(timeout=10)
    assert "warehouse busy" in (busy.skip_message or "")
    assert busy.cursor == start.cursor
    assert not alert_log.exists()  # only the log channel: nothing recorded yet

    _tick(instance, resources, busy.cursor)
    assert len(alert_log.read_text(encoding="utf-8").splitlines()) == 6
