"""The project's Dagster instance (DAGSTER_HOME): runs of `hotline run` are recorded there, so
`dagster dev` afterwards shows them with the partitions' status and the check results."""

from __future__ import annotations

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


def ensure_dagster_home(dagster_home: Path) -> Path:
    """Create DAGSTER_HOME with its dagster.yaml if missing (idempotent)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML + RUN_MONITORING_YAML, encoding="utf-8")
    else:
        _add_missing_sections(config)
    return dagster_home


def _add_missing_sections(config: Path) -> None:
    """Append run monitoring to an existing dagster.yaml that has neither of its sections."""
    text = config.read_text(encoding="utf-8")
    present = yaml.safe_load(text) or {}
    if "run_launcher" in present or "run_monitoring" in present:
        return
    config.write_text(text.rstrip("\n") + "\n" + RUN_MONITORING_YAML, encoding="utf-8")
