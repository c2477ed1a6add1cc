"""Wall time and peak memory of a command and every process it starts (Linux /proc; no psutil).

A Spark run is several processes (hotline, the dbt subprocess, its JVM): the peak is the largest
sum of their resident memory (VmRSS) seen while sampling every `interval` seconds.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TreeMeasurement:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        stack += _children(pid)
    return total


def measure_tree(command: list[str], env: dict[str, str], interval: float = 0.5) -> TreeMeasurement:
    started = time.perf_counter()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    with subprocess.Popen(command, env=env, **pipes) as proc:
        peak = 0
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.append(proc.stdout.read() if proc.stdout else ""))
        reader.start()
        while proc.poll() is None:
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(interval)
        reader.join()
    return TreeMeasurement(time.perf_counter() - started, peak / 1024, proc.returncode, "".join(log))
