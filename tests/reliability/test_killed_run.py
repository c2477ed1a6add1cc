"""Issue 11.2: a `hotline run` killed with -9 no longer blocks the queue. Its run stays STARTED;
the daemon's run monitoring (HotlineRunLauncher) sees that its process is gone and marks it failed,
and the queued run (here requested by the landing-folder sensor) is launched."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from pipelines.demo.generator import generate_month
from pipelines.instance import ensure_dagster_home
from pipelines.run_liveness import PID_TAG, process_tags, run_process_dead
from pipelines.settings import PROJECT_ROOT
from tests.support.pipeline_run import pipeline_env

BIN = Path(sys.executable).parent
MONTH = "2021-01"


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def runs(home: Path, **filters) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.get_runs(filters=dg.RunsFilter(**filters)))


def test_a_dead_process_is_told_from_a_live_one_and_from_a_reused_pid():
    sleeper = subprocess.Popen(["sleep", "60"])
    tags = process_tags(sleeper.pid)
    assert run_process_dead(tags) is None
    assert run_process_dead({**tags, "hotline/process_start": "1"}) is not None  # same PID, other process
    sleeper.kill()
    sleeper.wait()
    assert f"PID {sleeper.pid}" in run_process_dead(tags)
    assert run_process_dead({}) is None  # nothing recorded: not ours to tell
    assert run_process_dead({**tags, "hotline/host": "another-host"}) is None


@pytest.mark.slow
def test_a_killed_hotline_run_is_marked_failed_and_the_queued_run_is_launched(tmp_path: Path):
    generate_month(MONTH, tmp_path / "landing", scale=0.02)
    home = ensure_dagster_home(tmp_path / "dagster_home")
    config = home / "dagster.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("poll_interval_seconds: 30", "poll_interval_seconds: 1"),
        encoding="utf-8",
    )
    env = pipeline_env(tmp_path)

    # 1. a real `hotline run`, killed with -9 once its Dagster run has started
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    run = subprocess.Popen([str(BIN / "hotline"), "run", "--month", MONTH], env=env, **quiet)
    killed = wait_for(
        lambda: runs(home, statuses=[dg.DagsterRunStatus.STARTED]), 180, "the run to start"
    )[0]
    assert killed.tags[PID_TAG] == str(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert runs(home, run_ids=[killed.run_id])[0].status == dg.DagsterRunStatus.STARTED

    # 2. the daemon: the landing sensor queues the month, run monitoring fails the dead run, the
    #    queued run coordinator (max_concurrent_runs 1) then launches the queued one
    daemon_env = {**env, "HOTLINE_TRIGGERS_RUNNING": "1", "HOTLINE_LANDING_SETTLE_SECONDS": "0"}
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-w", str(PROJECT_ROOT / "workspace.yaml")],
        cwd=PROJECT_ROOT,
        env=daemon_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        launched = wait_for(
            lambda: [
                other
                for other in runs(home)
                if other.run_id != killed.run_id
                and other.status not in (dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED)
            ],
            240,
            "the queued run to be launched",
        )[0]
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
    for other in runs(home, run_ids=[launched.run_id]):  # its worker, started by the daemon's code server
        if other.tags.get(PID_TAG):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(other.tags[PID_TAG]), signal.SIGKILL)

    assert launched.tags.get("dagster/partition") == MONTH
    assert launched.tags.get("hotline/trigger") == "landing"
    dead = runs(home, run_ids=[killed.run_id])[0]
    assert dead.status == dg.DagsterRunStatus.FAILURE
    with dg.DagsterInstance.from_config(str(home)) as instance:
        messages = [event.message or "" for event in instance.all_logs(killed.run_id)]
    assert any(f"PID {run.pid}" in message and "no longer exists" in message for message in messages)


def test_hotline_run_marks_runs_of_dead_processes_failed_at_start(tmp_path: Path):
    """The path without a daemon: `hotline run` calls this before its own run."""
    from pipelines.run_liveness import fail_runs_of_dead_processes

    sleeper = subprocess.Popen(["sleep", "60"])
    home = ensure_dagster_home(tmp_path / "dagster_home")
    def started(tags: dict[str, str]) -> dg.DagsterRun:
        return dg.DagsterRun(job_name="monthly_bulletin", status=dg.DagsterRunStatus.STARTED, tags=tags)

    with dg.DagsterInstance.from_config(str(home)) as instance:
        dead = instance.add_run(started(process_tags(sleeper.pid)))
        alive = instance.add_run(started(process_tags()))
        untold = instance.add_run(started({}))
        assert fail_runs_of_dead_processes(instance) == []  # the sleeper still lives
        sleeper.kill()
        sleeper.wait()
        assert fail_runs_of_dead_processes(instance) == [dead.run_id]
        ids = (dead.run_id, alive.run_id, untold.run_id)
        statuses = {run_id: instance.get_run_by_id(run_id).status for run_id in ids}
    assert statuses == {
        dead.run_id: dg.DagsterRunStatus.FAILURE,
        alive.run_id: dg.DagsterRunStatus.STARTED,
        untold.run_id: dg.DagsterRunStatus.STARTED,
    }
