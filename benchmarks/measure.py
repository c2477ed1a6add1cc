"""Run a Python snippet in a child process and measure its wall time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass

_REPORT_PEAK = "\nimport resource as _r\nprint('PEAK_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)\n"


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float
    result: dict


def measure(code: str) -> Measurement:
    """Run `code` (which prints one JSON object on a line of its own) in a fresh interpreter."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code + _REPORT_PEAK], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise AssertionError(done.stderr[-4000:])
    lines = done.stdout.strip().splitlines()
    peak_kb = int(lines[-1].split()[1])
    return Measurement(seconds, peak_kb / 1024, json.loads(lines[-2]))
