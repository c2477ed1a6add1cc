"""Numeric metadata of a month's checks, for the UI's plots over the months (docs/alerts.md).

The bulletin's materialization carries how many checks of its run passed, failed with severity
WARN and failed with severity ERROR, and how many history anomalies the marts' history checks
found: one point per month in the asset's plots.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.alerts.checks import HISTORY_CHECK


def check_counts(instance: dg.DagsterInstance, run_id: str) -> dict[str, Any]:
    """`checks_passed`, `checks_warned`, `checks_failed` (ERROR) and `history_anomalies` of a run."""
    counts = {"checks_passed": 0, "checks_warned": 0, "checks_failed": 0, "history_anomalies": 0}
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        event = entry.dagster_event
        evaluation = event.event_specific_data if event is not None else None
        if evaluation is None:
            continue
        if evaluation.passed:
            counts["checks_passed"] += 1
        elif getattr(evaluation.severity, "value", "ERROR") == "WARN":
            counts["checks_warned"] += 1
        else:
            counts["checks_failed"] += 1
        if evaluation.check_name == HISTORY_CHECK:
            value = (evaluation.metadata or {}).get("anomalies")
            counts["history_anomalies"] += int(getattr(value, "value", 0) or 0)
    return counts
