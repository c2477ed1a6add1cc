"""Alerts at the end of `hotline run`, without the Dagster daemon (docs/alerts.md).

The same rules as the sensors, for the run just finished: its failed checks (`check_failure_alert`),
its failure (`run_failure_alert`, with the run's failure message as the run-failure sensor has it),
and the month's indicator rules (`month_anomaly_alerts`) when the run materialized anything. They
go through the same `AlertDispatcher` and alert log, so an alert is sent once whoever sees it first
(this run's end or a sensor tick), and all of them in one call: each channel gets one digest.
Then the alert log is copied into the warehouse's `alerts` table.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
from filelock import Timeout

from pipelines.alerts.alert_history import sync_alert_history
from pipelines.alerts.anomalies import month_anomaly_alerts
from pipelines.alerts.dispatch import AlertDispatcher, DispatchReport
from pipelines.alerts.events import check_failure_alert, run_events, run_failure_alert
from pipelines.alerts.marts import indicator_connection
from pipelines.alerts.model import Alert
from pipelines.alerts.settings import AlertSettings
from pipelines.runner import RunOutcome
from pipelines.settings import Settings
from pipelines.warehouse import warehouse_lock

_logger = logging.getLogger("pipelines.alerts")

#: `hotline run` may wait this long for another run holding the warehouse (reading, then writing)
WAREHOUSE_WAIT_SECONDS = 15 * 60


@contextmanager
def _open(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse; the caller holds the lock (a second FileLock would wait)."""
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@dataclass
class RunAlerts:
    alerts: list[Alert] = field(default_factory=list)
    report: DispatchReport = field(default_factory=DispatchReport)
    history_rows: int = 0
    #: what could not be done (the warehouse busy too long), said to the user
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"alerts: {len(self.alerts)} raised; {self.report.summary()}"
        return "; ".join([text, *self.notes])


def run_alerts(instance: dg.DagsterInstance, run_id: str) -> list[Alert]:
    """Failed checks and the failure of one finished run, as the sensors build them."""
    run = instance.get_run_by_id(run_id)
    alerts = [
        alert
        for entry in run_events(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION)
        if (alert := check_failure_alert(entry, run)) is not None
    ]
    if run is not None and run.status == dg.DagsterRunStatus.FAILURE:
        failure = run_events(instance, run_id, dg.DagsterEventType.RUN_FAILURE)
        message = failure[-1].dagster_event.message if failure and failure[-1].dagster_event else None
        alerts.append(run_failure_alert(instance, run, message))
    return alerts


def alert_after_run(
    settings: Settings,
    instance: dg.DagsterInstance,
    month: str,
    run_id: str,
    materialized_anything: bool,
    wait_seconds: float = WAREHOUSE_WAIT_SECONDS,
) -> RunAlerts:
    """Evaluate and send the alerts of a finished run of `month`; returns what was done."""
    alert_settings = AlertSettings.from_env(output_dir=settings.output_dir)
    dispatcher = AlertDispatcher(alert_settings, logger=_logger)
    result = RunAlerts(alerts=run_alerts(instance, run_id))
    warehouse = settings.warehouse_path
    if materialized_anything and warehouse.exists():
        try:
            with indicator_connection(settings, month, wait_seconds) as con:
                result.alerts += month_anomaly_alerts(
                    con, month, alert_settings.thresholds, alert_settings.history, settings.rulebook_path
                )
        except Timeout:
            result.notes.append(
                f"indicator rules not evaluated: the warehouse was busy for {wait_seconds:g} s "
                "(the anomaly sensor evaluates them, or re-run)"
            )
    result.report = dispatcher.retry_pending().merge(dispatcher.dispatch(result.alerts))
    if warehouse.exists():
        try:
            with warehouse_lock(warehouse, timeout=wait_seconds), _open(warehouse) as con:
                result.history_rows = sync_alert_history(con, dispatcher.log)
        except Timeout:
            result.notes.append("the warehouse's alerts table is updated at the next run")
    return result


def alert_after_cli_run(settings: Settings, outcome: RunOutcome) -> str:
    """`hotline run`'s hook: the alerts of the run just finished; returns the line to print.

    Never raises: an alert that cannot be sent must not hide the run's own outcome (a broken
    setting, e.g. the routing file, is said in the returned line, starting with "alerts failed").
    """
    from pipelines.runner import open_instance

    try:
        with open_instance(settings.dagster_home) as instance:
            found = alert_after_run(
                settings, instance, outcome.month, outcome.run_id, bool(outcome.materialized)
            )
    except Exception as error:  # noqa: BLE001 - reported to the user, the run's outcome stands
        return f"alerts failed: {type(error).__name__}: {error}"
    return found.summary()
