"""Access to the DuckDB warehouse file, one writer at a time.

DuckDB lets one process write a file. Two monthly runs (a backfill, or `hotline run` twice) would
otherwise fail with "Could not set lock on file", so every step that opens the warehouse (Python
assets and the dbt invocation alike) first takes an inter-process lock beside the file and waits
for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock

#: a step waits this long for another run to release the warehouse before failing
LOCK_TIMEOUT_SECONDS = 6 * 60 * 60


def lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".lock")


@contextmanager
def warehouse_lock(warehouse_path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the warehouse's writer lock (re-entrant within a thread)."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(warehouse_path)), timeout=timeout):
        yield


@contextmanager
def connect(warehouse_path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse under its lock; the connection is closed before the lock is released."""
    with warehouse_lock(warehouse_path):
        con = duckdb.connect(str(warehouse_path), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
