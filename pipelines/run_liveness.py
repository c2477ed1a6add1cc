"""Runs whose process is gone (kill -9, a lost machine) are marked failed, so queued runs go on.

Every run records the process that executes it in its tags (`hotline/pid`, `hotline/host`,
`hotline/process_start`): `hotline run` when it creates the run, the run worker of a run the daemon
launched when its resources start (pipelines/resources.py). A run still STARTED whose process no
longer exists on this host (or exists under the same PID but started later: a reused PID) is dead:

* the daemon's run monitoring asks `HotlineRunLauncher.check_run_worker_health` (dagster.yaml,
  written by pipelines/instance.py) and marks it failed within `poll_interval_seconds`;
* `hotline run` marks such runs failed before it starts (`fail_runs_of_dead_processes`), when no
  daemon runs.

With `max_concurrent_runs: 1`, a dead run left STARTED would otherwise keep every queued run
(schedule, sensor, backfill) waiting until someone marks it failed by hand.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus

PID_TAG = "hotline/pid"
HOST_TAG = "hotline/host"
START_TAG = "hotline/process_start"
#: run statuses whose process is expected to be alive
LIVE_STATUSES = [dg.DagsterRunStatus.STARTED]


def process_start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ')'
    return stat[stat.rindex(")") + 2 :].split()[19]


def process_tags(pid: int | None = None) -> dict[str, str]:
    """The tags that name the process executing a run (this one by default)."""
    pid = os.getpid() if pid is None else pid
    tags = {PID_TAG: str(pid), HOST_TAG: socket.gethostname()}
    start = process_start_time(pid)
    if start is not None:
        tags[START_TAG] = start
    return tags


def _alive(pid: int, start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    return start is None or process_start_time(pid) in (None, start)


def run_process_dead(tags: Mapping[str, str]) -> str | None:
    """Why the run's recorded process is dead, or None when it is alive or cannot be told
    (no process recorded, or recorded on another host)."""
    pid = tags.get(PID_TAG)
    if not pid or not pid.isdigit() or tags.get(HOST_TAG) != socket.gethostname():
        return None
    if _alive(int(pid), tags.get(START_TAG)):
        return None
    return (
        f"its process (PID {pid} on {tags[HOST_TAG]}) no longer exists: "
        "killed, crashed or the machine restarted"
    )


def fail_runs_of_dead_processes(instance: dg.DagsterInstance) -> list[str]:
    """Mark every STARTED run whose process is dead as failed; the ids of the runs marked."""
    marked = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=LIVE_STATUSES)):
        run = record.dagster_run
        reason = run_process_dead(run.tags)
        if reason is None:
            continue
        instance.report_run_failed(run, f"Marked failed by hotline: {reason}.")
        marked.append(run.run_id)
    return marked


def tag_run_with_process(instance: dg.DagsterInstance, run: dg.DagsterRun | None) -> None:
    """Record this process on the run it executes (idempotent)."""
    if run is None or run.tags.get(PID_TAG) == str(os.getpid()):
        return
    instance.add_run_tags(run.run_id, process_tags())


class HotlineRunLauncher(DefaultRunLauncher):
    """Dagster's default launcher, able to tell run monitoring when a run's process is gone."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        reason = run_process_dead(run.tags)
        if reason is not None:
            return CheckRunHealthResult(WorkerStatus.FAILED, reason)
        # alive, or not ours to tell (no process recorded yet, another host)
        return CheckRunHealthResult(WorkerStatus.RUNNING)
