"""Run a command in a child process; measure its wall time and the peak memory of its process tree.

Memory is sampled from /proc every `SAMPLE_SECONDS`: the resident set of the child and of every
process it starts (dbt runs as a subprocess of `hotline run`), summed, so the peak is what the
machine had to hold at once. Each sample keeps its time, so a stage's peak can be read off later.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.1


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    #: (seconds since the start, MB resident in the process tree)
    samples: list[tuple[float, float]] = field(default_factory=list)
    stdout: str = ""
    started_at: float = 0.0  # time.time() when the child was started

    def peak_between(self, start: float, end: float) -> float:
        """Peak MB of the samples taken between two epoch times (the whole run's peak if none)."""
        inside = [mb for t, mb in self.samples if start - 0.05 <= self.started_at + t <= end + 0.05]
        return max(inside) if inside else 0.0


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children", encoding="ascii") as handle:
                kids = [int(p) for p in handle.read().split()]
        except OSError:
            kids = []
        found += kids
        todo += kids
    return found


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def run_measured(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measurement:
    """Run `args`, sampling the tree's memory; raises RuntimeError with the output's tail on failure."""
    started_at = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            pids = [process.pid, *_children(process.pid)]
            samples.append((time.perf_counter() - started, sum(_rss_mb(p) for p in pids)))
            stop.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{output[-6000:]}")
    peak = max((mb for _, mb in samples), default=0.0)
    return Measurement(seconds, peak, samples, output, started_at)


def run_python(code: str, env: dict[str, str] | None = None) -> tuple[Measurement, dict]:
    """Run a Python snippet that prints one JSON object as its last line; its measurement and result."""
    measured = run_measured([sys.executable, "-c", code], env=env)
    return measured, json.loads(measured.stdout.strip().splitlines()[-1])
