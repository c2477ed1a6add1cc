"""A failing dbt step stops its dbt subprocess (pipelines/models/dbt_process.py), on real processes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from pipelines.models.dbt_process import stop_on_failure, stop_process

#: a child that says it is ready, then runs for a minute (like a long dbt build)
SLEEPER = "import sys, time; print('ready', flush=True); time.sleep(60)"
#: the same, deaf to SIGINT (a process that does not cancel in time)
DEAF_SLEEPER = (
    "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def _start(code: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _events_then_failure() -> Iterator[str]:
    yield "model.a finished"
    raise KeyError("model.hotline_bulletin.not_in_the_manifest")


def test_a_failure_while_streaming_stops_the_process_then_raises():
    process = _start(SLEEPER)
    seen = []
    with pytest.raises(KeyError, match="not_in_the_manifest"):
        for event in stop_on_failure(_events_then_failure(), process, grace_seconds=5):
            seen.append(event)
    assert seen == ["model.a finished"]
    # stopped by SIGINT: Python's KeyboardInterrupt exit, not still running and not killed
    assert process.returncode is not None and process.returncode != -9


def test_a_consumer_that_stops_early_stops_the_process():
    process = _start(SLEEPER)
    stream = stop_on_failure(iter(["model.a finished", "model.b finished"]), process, grace_seconds=5)
    assert next(stream) == "model.a finished"
    stream.close()  # Dagster closing the step's generator
    assert process.poll() is not None


def test_a_process_deaf_to_sigint_is_killed_after_the_grace():
    process = _start(DEAF_SLEEPER)
    stop_process(process, grace_seconds=0.5)
    assert process.returncode == -9


def test_a_stream_that_ends_leaves_a_finished_process_alone():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert list(stop_on_failure(iter(["x"]), process)) == ["x"]
    stop_process(process)  # already exited: nothing to do, no error
    assert process.returncode == 0
