"""Access to the DuckDB warehouse file, one writer at a time, and what a reader holding it does.

DuckDB lets one process write a file. Two monthly runs (a backfill, or `hotline run` twice) would
otherwise fail with "Could not set lock on file", so every step that opens the warehouse (Python
assets and the dbt invocation alike) first takes an inter-process lock beside the file and waits
for it (runs queue behind each other).

Another client holding the file (DBeaver, a notebook, the duckdb CLI, read-only or not) does not
take that lock: a step then waits at most `HOTLINE_WAREHOUSE_WAIT` seconds (default 30), says once
which process holds the file, and fails with a `WarehouseBusyError` naming the file, the process
(program and PID, from DuckDB's message) and the fix. README "Opening the warehouse while a month
runs".
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock, Timeout

#: a step waits this long for another run to release the warehouse before failing
LOCK_TIMEOUT_SECONDS = 6 * 60 * 60
#: default of HOTLINE_WAREHOUSE_WAIT: how long a run waits for another client to close the file
DEFAULT_READER_WAIT_SECONDS = 30.0
#: after a step gave up on a held file, later steps of the same process within this many seconds
#: try once instead of waiting again (a month's nine raw steps do not wait nine times)
_GAVE_UP_MEMORY_SECONDS = 120.0

_CONFLICT = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)": Conflicting lock is held in '
    r"(?P<program>.*?) \(PID (?P<pid>\d+)\)"
)
_gave_up: dict[str, float] = {}


class WarehouseBusyError(ValueError):
    """The warehouse file is held by another process that is not a run of this project (a
    ValueError: the command line prints its message, which names the process and the fix)."""


@dataclass(frozen=True)
class LockHolder:
    """The process DuckDB names as holding the file's lock."""

    file: str
    program: str
    pid: int

    def describe(self) -> str:
        return f"{self.program} (PID {self.pid})"


def lock_holder(error: BaseException) -> LockHolder | None:
    """The holder named by DuckDB's "Could not set lock on file" error, or None for other errors."""
    match = _CONFLICT.search(str(error))
    if match is None:
        return None
    return LockHolder(file=match["file"], program=match["program"], pid=int(match["pid"]))


def reader_wait_seconds() -> float:
    """HOTLINE_WAREHOUSE_WAIT in seconds (0: fail at once); ValueError when not a number >= 0."""
    value = os.environ.get("HOTLINE_WAREHOUSE_WAIT", "").strip()
    if not value:
        return DEFAULT_READER_WAIT_SECONDS
    try:
        seconds = float(value.removesuffix("s"))
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ValueError(f"HOTLINE_WAREHOUSE_WAIT must be a number of seconds >= 0, got {value!r}")
    return seconds


def busy_message(path: Path, holder: LockHolder, waited: float) -> str:
    return (
        f"the warehouse {path} is open in another program: {holder.describe()} holds its lock "
        f"(waited {waited:g} s, HOTLINE_WAREHOUSE_WAIT). Nothing was written. Fix: close that "
        f"connection (DBeaver: Disconnect; a notebook: con.close(); the duckdb CLI: .exit), or "
        f"stop it with `kill {holder.pid}`, then run the month again. Readers that stay open while "
        f"months run should open a copy of the file (README: Opening the warehouse while a month runs)."
    )


def waiting_message(path: Path, holder: LockHolder, wait: float) -> str:
    return (
        f"the warehouse {path} is open in {holder.describe()}; waiting up to {wait:g} s for it "
        f"to close (HOTLINE_WAREHOUSE_WAIT)"
    )


def open_warehouse(
    path: Path,
    read_only: bool = False,
    config: dict[str, Any] | None = None,
    wait: float | None = None,
    notify: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, waiting at most `wait` seconds (HOTLINE_WAREHOUSE_WAIT) while another
    process holds the file; `notify` hears once who holds it. Raises WarehouseBusyError."""
    wait = reader_wait_seconds() if wait is None else wait
    key = str(Path(path).resolve())
    if time.monotonic() - _gave_up.get(key, -1e9) < _GAVE_UP_MEMORY_SECONDS:
        wait = 0.0
    started = time.monotonic()
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
        except duckdb.IOException as error:
            holder = lock_holder(error)
            if holder is None:
                raise
            waited = time.monotonic() - started
            if waited >= wait:
                _gave_up[key] = time.monotonic()
                raise WarehouseBusyError(busy_message(Path(path), holder, round(waited))) from None
            if not told and notify is not None:
                notify(waiting_message(Path(path), holder, wait))
                told = True
            time.sleep(min(1.0, max(0.05, wait - waited)))


def wait_until_writable(path: Path, notify: Callable[[str], None] | None = None) -> None:
    """Open and close the warehouse for writing (waiting as `open_warehouse`), e.g. before dbt,
    whose own connection would fail at once on a held file. Nothing to do for a missing file."""
    if Path(path).exists():
        open_warehouse(path, notify=notify).close()


def lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".lock")


@contextmanager
def warehouse_lock(warehouse_path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the warehouse's writer lock (re-entrant within a thread)."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(warehouse_path)), timeout=timeout):
        yield


def held_by_another_run(warehouse_path: Path) -> bool:
    """True when another run of this project holds the writer lock right now."""
    if not warehouse_path.parent.is_dir():
        return False
    try:
        with FileLock(str(lock_path(warehouse_path)), timeout=0):
            return False
    except Timeout:
        return True


@contextmanager
def connect(warehouse_path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse under its lock; the connection is closed before the lock is released."""
    with warehouse_lock(warehouse_path):
        con = open_warehouse(warehouse_path, read_only=read_only)
        try:
            yield con
        finally:
            con.close()
