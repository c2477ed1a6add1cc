"""The project's Dagster instance (DAGSTER_HOME): runs of `hotline run` are recorded there, so
`dagster dev` afterwards shows them with the partitions' status and the check results."""

from __future__ import annotations

from pathlib import Path

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


def ensure_dagster_home(dagster_home: Path) -> Path:
    """Create DAGSTER_HOME with its dagster.yaml if missing (idempotent)."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_YAML, encoding="utf-8")
    return dagster_home
