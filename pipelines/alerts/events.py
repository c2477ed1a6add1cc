"""Alerts from the Dagster instance's events: failed asset checks and failed runs.

A failed non-blocking check does not fail its run, so failed checks are read from the instance's
ASSET_CHECK_EVALUATION events (every run: `dagster dev`, `hotline run`, backfills), not inferred
from run failures.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg

from pipelines.alerts.model import Alert, AlertKind, dedup_key

PARTITION_TAG = "dagster/partition"
#: metadata values longer than this are cut in an alert (sample ids lists stay readable)
_MAX_VALUE_CHARS = 600
_MAX_ERROR_CHARS = 800
#: checks whose failures are sent as one alert per unit by the anomaly rules (history_rule), so
#: that they reach the unit: their check failure itself is not sent again
PER_UNIT_ALERT_CHECKS = ("history_anomalies",)


def _metadata_value(value: Any) -> Any:
    raw = getattr(value, "value", value)
    if isinstance(raw, (bool, int, float)) or raw is None:
        return raw
    if isinstance(raw, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in raw):
        text = "、".join(str(v) for v in raw)
    else:
        text = str(raw)
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


FINISHED_STATUSES = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
#: runs finished this long before the cursor are read again (and skipped by id): no run is missed
#: when two finish at nearly the same time
CURSOR_OVERLAP = timedelta(minutes=2)


@dataclass(frozen=True)
class RunCursor:
    """Where a sensor is in the stream of finished runs (by update time, as the run storage has it).

    Works on every run storage (the default SQLite event log is sharded per run, so event storage
    ids cannot be compared across runs; run update times can).
    """

    updated_after: datetime
    #: runs already handled whose update time is within CURSOR_OVERLAP of `updated_after`
    recent: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None, lookback_hours: float) -> RunCursor:
        if not text:
            return cls(updated_after=datetime.now(UTC) - timedelta(hours=lookback_hours))
        data = json.loads(text)
        return cls(updated_after=datetime.fromisoformat(data["updated_after"]), recent=tuple(data["recent"]))

    def to_json(self) -> str:
        return json.dumps({"updated_after": self.updated_after.isoformat(), "recent": list(self.recent)})

    def advance(self, handled: list[dg.RunRecord]) -> RunCursor:
        if not handled:
            return self
        newest = max(self.updated_after, *(record.update_timestamp for record in handled))
        window_start = newest - CURSOR_OVERLAP
        # the previous recent runs were updated within the overlap before the previous cursor
        kept = list(self.recent) if self.updated_after >= window_start else []
        kept += [r.dagster_run.run_id for r in handled if r.update_timestamp >= window_start]
        return RunCursor(updated_after=newest, recent=tuple(dict.fromkeys(kept)))


def finished_runs_since(
    instance: dg.DagsterInstance, cursor: RunCursor, limit: int = 100
) -> list[dg.RunRecord]:
    """Finished runs updated after the cursor (less the overlap), oldest first, not yet handled."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=list(FINISHED_STATUSES), updated_after=cursor.updated_after - CURSOR_OVERLAP
        ),
        order_by="update_timestamp",
        ascending=True,
        limit=limit,
    )
    return [record for record in records if record.dagster_run.run_id not in cursor.recent]


def run_events(
    instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType
) -> list[dg.EventLogEntry]:
    return list(instance.all_logs(run_id, of_type=event_type))


def check_failure_alert(entry: dg.EventLogEntry, run: dg.DagsterRun | None) -> Alert | None:
    """The alert of one ASSET_CHECK_EVALUATION event, or None when the check passed."""
    event = entry.dagster_event
    if event is None or event.event_type != dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        return None
    evaluation = event.event_specific_data
    if evaluation is None or evaluation.passed or evaluation.check_name in PER_UNIT_ALERT_CHECKS:
        return None
    month = getattr(evaluation, "partition", None) or (run.tags.get(PARTITION_TAG) if run else None) or ""
    asset = evaluation.asset_key.to_user_string()
    check = evaluation.check_name
    severity_name = getattr(getattr(evaluation, "severity", None), "value", "ERROR")
    blocking = bool(getattr(evaluation, "blocking", False))
    details: dict[str, Any] = {
        "asset": asset,
        "check": check,
        "blocking": blocking,
        "severity": severity_name,
    }
    if evaluation.description:
        details["description"] = _metadata_value(evaluation.description)
    for name, value in (evaluation.metadata or {}).items():
        details[f"metadata.{name}"] = _metadata_value(value)
    # a partitioned check is sent once per month; an unpartitioned one once per run
    parts: list[object] = [asset, check] if month else [asset, check, entry.run_id]
    return Alert(
        kind=AlertKind.CHECK_FAILED,
        month=month,
        subject=f"{month + ' ' if month else ''}检查未通过：{asset} · {check}"
        + ("（阻断）" if blocking else ""),
        details=details,
        source={
            "asset": asset,
            "check": check,
            "run_id": entry.run_id,
            "job": run.job_name if run else None,
        },
        key=dedup_key(AlertKind.CHECK_FAILED, month, *parts),
        severity="error" if blocking or severity_name == "ERROR" else "warning",
    )


def _innermost(error: Any) -> str:
    if error is None:
        return "unknown error"
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = (getattr(error, "message", None) or str(error)).strip()
    return message if len(message) <= _MAX_ERROR_CHARS else message[: _MAX_ERROR_CHARS - 1] + "…"


def step_failures(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """step key → the innermost error message (what the user must fix), for every failed step."""
    failures: dict[str, str] = {}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        data = event.step_failure_data if event is not None else None
        step = (event.step_key if event is not None else None) or "?"
        failures.setdefault(step, _innermost(data.error if data is not None else None))
    return failures


def run_failure_alert(
    instance: dg.DagsterInstance, run: dg.DagsterRun, failure_message: str | None = None
) -> Alert:
    month = run.tags.get(PARTITION_TAG, "")
    steps = step_failures(instance, run.run_id)
    reasons = dict(steps) if steps else {"run": (failure_message or "the run failed").strip()}
    fingerprint = hashlib.sha1(
        "\n".join(f"{step}: {message}" for step, message in sorted(reasons.items())).encode("utf-8")
    ).hexdigest()[:10]
    failed = ", ".join(sorted(steps)) or "run"
    parts: list[object] = [run.job_name, failed, fingerprint]
    if not month:
        parts.append(run.run_id)
    details: dict[str, Any] = {"job": run.job_name, "failed_steps": sorted(steps)}
    for step, message in sorted(reasons.items()):
        details[f"error.{step}"] = message
    trigger = run.tags.get("hotline/trigger")
    if trigger:
        details["trigger"] = trigger
    return Alert(
        kind=AlertKind.RUN_FAILED,
        month=month,
        subject=f"{month + ' ' if month else ''}运行失败：{run.job_name}（{failed}）",
        details=details,
        source={"run_id": run.run_id, "job": run.job_name},
        key=dedup_key(AlertKind.RUN_FAILED, month, *parts),
        severity="error",
    )
