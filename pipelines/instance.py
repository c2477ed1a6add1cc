"""The project's Dagster instance (DAGSTER_HOME): runs of `hotline run` are recorded there, so
`dagster dev` afterwards shows them with the partitions' status and the check results."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

INSTANCE_YAML = """\
# Written by hotline-bulletin (make setup / hotline run). Edit freely; it is not overwritten.
telemetry:
  enabled: false
# no first-visit newsletter dialog in the UI
nux:
  enabled: false
# Runs launched from the UI (backfills) are queued and run one at a time: they share one DuckDB file.
concurrency:
  runs:
    max_concurrent_runs: 1
"""

#: sections added to a dagster.yaml that lacks them (an instance made by an earlier version)
RUN_MONITORING_YAML = """\
# A run whose process died (kill -9, a lost machine) is marked failed by the daemon's run
# monitoring, so the queued runs go on (pipelines/run_liveness.py, README Operations).
run_launcher:
  module: pipelines.run_liveness
  class: HotlineRunLauncher
run_monitoring:
  enabled: true
  poll_interval_seconds: 30
  max_resume_run_attempts: 0
"""


#: storage keys of dagster.yaml: when one is set, the instance's storage is the user's choice
STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def event_log_yaml(dagster_home: Path) -> str:
    """The event log section: Dagster's SQLite files, written with fewer disk syncs
    (pipelines/event_log.py)."""
    runs = dagster_home.resolve() / "history" / "runs"
    return (
        "# Dagster's SQLite event log (same files), written with fewer disk syncs:\n"
        "# pipelines/event_log.py, docs/performance.md\n"
        "event_log_storage:\n"
        "  module: pipelines.event_log\n"
        "  class: HotlineSqliteEventLogStorage\n"
        "  config:\n"
        f"    base_dir: {json.dumps(str(runs))}\n"
    )


def ensure_dagster_home(dagster_home: Path) -> Path:
    """Create DAGSTER_HOME with its dagster.yaml if missing (idempotent)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(
            INSTANCE_YAML + RUN_MONITORING_YAML + event_log_yaml(dagster_home), encoding="utf-8"
        )
    else:
        _add_missing_sections(config, dagster_home)
    return dagster_home


def _add_missing_sections(config: Path, dagster_home: Path) -> None:
    """Append run monitoring to an existing dagster.yaml that has neither of its sections, and the
    event log storage to one that sets no storage."""
    text = config.read_text(encoding="utf-8")
    present = yaml.safe_load(text) or {}
    added = ""
    if "run_launcher" not in present and "run_monitoring" not in present:
        added += RUN_MONITORING_YAML
    if not any(key in present for key in STORAGE_KEYS):
        added += event_log_yaml(dagster_home)
    if added:
        config.write_text(text.rstrip("\n") + "\n" + added, encoding="utf-8")
