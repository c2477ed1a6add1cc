"""A real second process holding the warehouse file, as a notebook or DBeaver does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def holding(warehouse: Path, read_only: bool = True, seconds: float = 120) -> Iterator[subprocess.Popen]:
    """A Python process with the warehouse open (read-only or not) until the block ends or
    `seconds` pass; yields once its connection is open."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse), "ro" if read_only else "rw", str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "holding"
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)
