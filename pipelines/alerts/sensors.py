"""The alert sensors: failed checks, failed runs, indicator anomalies (docs/alerts.md).

Each tick reads its channels and thresholds from the env (`AlertSettings.from_env`), so secrets are
never Dagster config, and sends through `AlertDispatcher`, which sends an alert once (dedup key,
persisted in the alert log) and retries failed deliveries on later ticks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
from filelock import Timeout

from pipelines.alerts.alert_history import sync_alert_history
from pipelines.alerts.anomalies import month_anomaly_alerts
from pipelines.alerts.dispatch import AlertDispatcher
from pipelines.alerts.events import (
    RunCursor,
    check_failure_alert,
    finished_runs_since,
    run_events,
    run_failure_alert,
)
from pipelines.alerts.exports import expected_exports, exports_missing_alert, month_due
from pipelines.alerts.settings import AlertSettings
from pipelines.months import is_month
from pipelines.partitions import FIRST_MONTH
from pipelines.resources import HotlineFiles, WarehouseResource
from pipelines.settings import engine_from_env
from pipelines.warehouse import warehouse_lock

CHECK_SENSOR_NAME = "check_failure_alerts"
RUN_SENSOR_NAME = "run_failure_alerts"
ANOMALY_SENSOR_NAME = "indicator_anomaly_alerts"
EXPORTS_SENSOR_NAME = "missing_exports_alerts"
#: the alerts table is updated by a tick only when the warehouse is free within this time
HISTORY_WAIT_SECONDS = 2.0

#: a tick waits this long for a run holding the warehouse, then tries again at the next tick
WAREHOUSE_WAIT_SECONDS = 10.0
#: finished runs handled per tick (the rest at the next tick)
RUNS_PER_TICK = 100
CHECK_EVALUATION = dg.DagsterEventType.ASSET_CHECK_EVALUATION
MATERIALIZATION = dg.DagsterEventType.ASSET_MATERIALIZATION


def _dispatcher(context: dg.SensorEvaluationContext, files: HotlineFiles) -> AlertDispatcher:
    return AlertDispatcher(AlertSettings.from_env(output_dir=files.output), logger=context.log)


def _cursor(context: dg.SensorEvaluationContext, settings: AlertSettings) -> RunCursor:
    """The first tick (no cursor yet) looks back `lookback_hours`."""
    return RunCursor.parse(context.cursor, settings.lookback_hours)


@dg.sensor(
    name=CHECK_SENSOR_NAME,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Sends an alert for every failed asset check (blocking or not) of every run, once per month, "
        "to the channels of the HOTLINE_ALERT_* env vars and the alert log (docs/alerts.md)."
    ),
)
def check_failure_alerts(context: dg.SensorEvaluationContext, files: HotlineFiles) -> dg.SensorResult:
    dispatcher = _dispatcher(context, files)
    cursor = _cursor(context, dispatcher.settings)
    runs = finished_runs_since(context.instance, cursor, limit=RUNS_PER_TICK)
    alerts = []
    evaluations = 0
    for record in runs:
        for entry in run_events(context.instance, record.dagster_run.run_id, CHECK_EVALUATION):
            evaluations += 1
            alert = check_failure_alert(entry, record.dagster_run)
            if alert is not None:
                alerts.append(alert)
    report = dispatcher.retry_pending().merge(dispatcher.dispatch(alerts))
    return dg.SensorResult(
        cursor=cursor.advance(runs).to_json(),
        skip_reason=(
            f"{len(runs)} finished run(s), {evaluations} check evaluation(s), {len(alerts)} failed; "
            f"{report.summary()}"
        ),
    )


@dg.run_failure_sensor(
    name=RUN_SENSOR_NAME,
    monitor_all_code_locations=True,  # runs of `hotline run` (in-process) have no code location origin
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Sends an alert for every failed run (failed steps and their errors), once per month and cause, "
        "to the channels of the HOTLINE_ALERT_* env vars and the alert log (docs/alerts.md)."
    ),
)
def run_failure_alerts(context: dg.RunFailureSensorContext, files: HotlineFiles) -> None:
    dispatcher = AlertDispatcher(AlertSettings.from_env(output_dir=files.output), logger=context.log)
    message = context.failure_event.message if context.failure_event is not None else None
    alert = run_failure_alert(context.instance, context.dagster_run, message)
    report = dispatcher.retry_pending().merge(dispatcher.dispatch([alert]))
    context.log.info(report.summary())


class WarehouseBusy(RuntimeError):
    pass


@contextmanager
def read_only_warehouse(path: Path, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection under the writer lock, so that no run writes meanwhile."""
    if wait_seconds is None:
        wait_seconds = WAREHOUSE_WAIT_SECONDS
    try:
        with warehouse_lock(path, timeout=wait_seconds):
            try:
                con = duckdb.connect(str(path), read_only=True)
            except duckdb.IOException as error:  # held by a process that does not take our lock
                raise WarehouseBusy(str(error)) from None
            try:
                yield con
            finally:
                con.close()
    except Timeout:
        raise WarehouseBusy(f"the warehouse is held by a run for more than {wait_seconds:g} s") from None


@dg.sensor(
    name=ANOMALY_SENSOR_NAME,
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "When a run that materialized a month's assets has finished, compares the month's indicators "
        "with the previous month (unit orders, platform satisfaction), the counties' interface uptime "
        "with its target and the quarantined share with its threshold; sends each anomaly once."
    ),
)
def indicator_anomaly_alerts(
    context: dg.SensorEvaluationContext, files: HotlineFiles, warehouse: WarehouseResource
) -> dg.SensorResult:
    dispatcher = _dispatcher(context, files)
    cursor = _cursor(context, dispatcher.settings)
    runs = finished_runs_since(context.instance, cursor, limit=RUNS_PER_TICK)
    months: set[str] = set()
    for record in runs:
        for entry in run_events(context.instance, record.dagster_run.run_id, MATERIALIZATION):
            month = entry.dagster_event.partition if entry.dagster_event is not None else None
            if month and is_month(month):
                months.add(month)
    alerts = []
    engine = engine_from_env()
    if months and engine != "duckdb":
        # the marts are on the engine, not in the DuckDB file (no marts there, or an older DuckDB
        # run's): never judge stale figures. `hotline run` evaluates them through the engine's reader.
        report = dispatcher.retry_pending()
        return dg.SensorResult(
            cursor=cursor.advance(runs).to_json(),
            skip_reason=f"not evaluated: HOTLINE_ENGINE={engine} keeps the marts on {engine}, not in the "
            "DuckDB warehouse this sensor reads; the indicator alerts of "
            f"{', '.join(sorted(months))} are evaluated at the end of `hotline run` through the engine; "
            f"{report.summary()}",
        )
    if months and warehouse.path.exists():
        settings = dispatcher.settings
        try:
            with read_only_warehouse(warehouse.path) as con:
                alerts = [
                    alert
                    for month in sorted(months)
                    for alert in month_anomaly_alerts(
                        con, month, settings.thresholds, settings.history, files.rulebook_path
                    )
                ]
        except WarehouseBusy as busy:
            # keep the cursor: the same runs are read again at the next tick
            report = dispatcher.retry_pending()
            return dg.SensorResult(
                cursor=context.cursor, skip_reason=f"warehouse busy ({busy}); {report.summary()}"
            )
    report = dispatcher.retry_pending().merge(dispatcher.dispatch(alerts))
    if report.recorded:
        sync_history_if_free(dispatcher, warehouse.path, context.log)
    evaluated = ", ".join(sorted(months)) or "no month"
    return dg.SensorResult(
        cursor=cursor.advance(runs).to_json(),
        skip_reason=f"{len(runs)} finished run(s); evaluated {evaluated}: {len(alerts)} anomal(ies); "
        f"{report.summary()}",
    )


@dg.sensor(
    name=EXPORTS_SENSOR_NAME,
    minimum_interval_seconds=600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "From the due day of the next month (HOTLINE_ALERT_EXPORTS_DUE_DAY, the 3rd) on, sends an "
        "exports_missing alert naming the landing folder and the exports of the previous month that "
        "have not landed (once per month)."
    ),
)
def missing_exports_alerts(context: dg.SensorEvaluationContext, files: HotlineFiles) -> dg.SensorResult:
    dispatcher = _dispatcher(context, files)
    settings = dispatcher.settings
    now = datetime.now(UTC)
    month = month_due(now, settings.exports_due_day)
    alerts = []
    if month >= FIRST_MONTH:
        expected = expected_exports(settings.expected_exports)
        alert = exports_missing_alert(files.landing, month, now, settings.exports_due_day, expected)
        alerts = [alert] if alert is not None else []
    report = dispatcher.retry_pending().merge(dispatcher.dispatch(alerts))
    return dg.SensorResult(
        skip_reason=f"{month}: {'exports missing' if alerts else 'nothing missing or not due yet'}; "
        f"{report.summary()}"
    )


def sync_history_if_free(dispatcher: AlertDispatcher, warehouse_path: Path, log) -> None:
    """Copy the alert log into the warehouse's alerts table, unless a run holds the warehouse."""
    if not warehouse_path.exists():
        return
    try:
        with warehouse_lock(warehouse_path, timeout=HISTORY_WAIT_SECONDS):
            con = duckdb.connect(str(warehouse_path))
            try:
                sync_alert_history(con, dispatcher.log)
            finally:
                con.close()
    except (Timeout, duckdb.Error) as error:
        log.info(f"alerts table not updated this tick ({error}); the next tick or run does it")
