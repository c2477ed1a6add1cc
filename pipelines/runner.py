"""Materialize every asset of one month through Dagster, in-process, recorded in the instance.

The settings (the CLI's flags over the env vars) reach the assets as the resources of
`build_definitions(settings)` (pipelines/resources.py), and the instance is the one of
`settings.dagster_home`: nothing is written into os.environ.
"""

from __future__ import annotations

import functools
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from filelock import FileLock

from pipelines.event_log import EVENT_BATCH_SIZE
from pipelines.instance import ensure_dagster_home
from pipelines.partitions import validate_month
from pipelines.preflight import check_before_run
from pipelines.previous_month import mark_active, require_previous_month
from pipelines.run_liveness import fail_runs_of_dead_processes, process_tags
from pipelines.salt import resolve_phone_salt
from pipelines.settings import Settings
from pipelines.warehouse import held_by_another_run, wait_until_writable


@dataclass
class RunOutcome:
    month: str
    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    materialized: list[str] = field(default_factory=list)
    #: the full error of each failed step (Dagster's, with the traceback): for the log and --verbose
    tracebacks: list[str] = field(default_factory=list)
    #: failed checks whose severity is ERROR (blocking): the reason a run stopped
    blocking_checks: list[str] = field(default_factory=list)


def _innermost_message(error: dg.SerializableErrorInfo | None) -> str:
    """The user-facing message: the deepest cause (e.g. an InputFileError), not Dagster's wrapper."""
    if error is None:
        return "unknown error"
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def open_instance(dagster_home: Path) -> dg.DagsterInstance:
    """The project's instance; its SQLite storages are created by one process at a time (two
    first runs at once would otherwise both stamp the schema and break its migrations)."""
    with FileLock(str(dagster_home / ".instance.lock")):
        instance = dg.DagsterInstance.from_config(str(dagster_home))
        instance.get_runs(limit=1)
        instance.get_latest_materialization_event(dg.AssetKey("bulletin"))
    return instance


@functools.cache
def _monthly_job(settings: Settings) -> dg.JobDefinition:
    """The monthly job wired to the settings, built once per process (a range reuses it)."""
    from pipelines.definitions import MONTHLY_JOB_NAME, build_definitions

    return build_definitions(settings).resolve_job_def(MONTHLY_JOB_NAME)


def folder_tags(settings: Settings) -> dict[str, str]:
    """The folders of a `hotline run` run, shown with the run in the UI (README "The Dagster UI")."""
    return {
        "hotline/landing": str(settings.landing_dir),
        "hotline/warehouse": str(settings.warehouse_path),
        "hotline/output": str(settings.output_dir),
    }


def say_on_stderr(message: str) -> None:
    print(f"note: {message}", file=sys.stderr, flush=True)


def before_run(settings: Settings, month: str, say: Callable[[str], None]) -> None:
    """Everything that must hold before the warehouse is touched (README "Operations"): output,
    instance and disk (pipelines/preflight.py), the salt, no other program holding the warehouse
    (bounded wait), M−1 loaded when it has a landing folder. Raises ValueError with the fix."""
    check_before_run(settings, month, say)
    ensure_dagster_home(settings.dagster_home)
    salt = resolve_phone_salt(settings)
    if salt.warning:
        say(salt.warning)
    # another run of this project holding the warehouse is waited for by the steps (the writer
    # lock); another program holding it is found here, before the first step
    if not held_by_another_run(settings.warehouse_path):
        wait_until_writable(settings.warehouse_path, notify=say)


Listener = Callable[[dg.EventLogEntry], None]


def run_month(
    settings: Settings,
    month: str,
    log_level: str = "INFO",
    say: Callable[[str], None] = say_on_stderr,
    listener: Listener | None = None,
) -> RunOutcome:
    """Execute the monthly job for `month` in-process; `listener` receives every event as it happens
    (`hotline run`'s stage lines)."""
    validate_month(month)
    # a switch of Dagster's (not a path or secret, which reach the assets as resources): the run's
    # planned events stored as one batch (pipelines/event_log.py)
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(EVENT_BATCH_SIZE))
    before_run(settings, month, say)
    if settings.engine != "duckdb":
        # the engine's manifest (make setup prepares DuckDB's); parsed here when missing or stale
        from pipelines.models.project import ensure_manifest

        settings.lake_dir.mkdir(parents=True, exist_ok=True)
        ensure_manifest(settings.engine, settings.dbt_target)
    marker = mark_active(settings.dagster_home, month)
    try:
        return _execute(settings, month, log_level, say, listener)
    finally:
        marker.unlink(missing_ok=True)


def _execute(
    settings: Settings, month: str, log_level: str, say: Callable[[str], None], listener: Listener | None
) -> RunOutcome:
    job = _monthly_job(settings)
    with open_instance(settings.dagster_home) as instance:
        for run_id in fail_runs_of_dead_processes(instance):
            say(f"run {run_id} was left STARTED by a process that no longer exists: marked failed")
        require_previous_month(settings, month, say)
        run_id = str(uuid.uuid4())
        if listener is not None:
            instance.add_event_listener(run_id, listener)
        result = job.execute_in_process(
            run_id=run_id,
            partition_key=month,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            tags={"hotline/trigger": "cli", **folder_tags(settings), **process_tags()},
        )
    outcome = RunOutcome(month=month, run_id=result.run_id, success=result.success)
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            outcome.failures.append(f"{event.step_key}: {_innermost_message(event.step_failure_data.error)}")
            if event.step_failure_data.error is not None:
                outcome.tracebacks.append(f"{event.step_key}:\n{event.step_failure_data.error.to_string()}")
        elif event.is_step_materialization:
            outcome.materialized.append(event.asset_key.to_user_string())
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                reason = f": {evaluation.description}" if evaluation.description else ""
                outcome.failed_checks.append(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}{reason}"
                )
                if evaluation.severity == dg.AssetCheckSeverity.ERROR:
                    outcome.blocking_checks.append(outcome.failed_checks[-1])
    if not result.success and not outcome.failures:
        outcome.failures.append("the run failed before any step ran (see the log above)")
    return outcome
