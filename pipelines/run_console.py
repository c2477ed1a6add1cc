"""What `hotline run` shows a person: one line per stage with its elapsed time, the full log in a file.

While a month runs, everything Dagster and dbt print (hundreds of lines, colour codes) goes to a
log file, `<logs>/<YYYY-MM>-<time>.log` (HOTLINE_LOG_DIR, default `data/logs`); the terminal
shows one line per stage as it ends — load, validate, models (dbt nodes done of total), bulletin —
with the elapsed time, and, on a terminal, a live status line while a stage runs (rich).
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.status import Status

LOG_DIR_ENV = "HOTLINE_LOG_DIR"
#: stages in the order a month runs through them, with what each one's line says
STAGES = ("load", "validate", "models", "bulletin")
_DBT_PROGRESS = re.compile(r"^\s*\d\d:\d\d:\d\d\s+(\d+) of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP)|"
                           r"^\s*(\d+) of (\d+) (OK|PASS|ERROR|FAIL|WARN|SKIP)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def log_dir(dagster_home: Path) -> Path:
    """HOTLINE_LOG_DIR, else `logs/` beside the Dagster instance (`data/logs` by default)."""
    value = os.environ.get(LOG_DIR_ENV, "").strip()
    return Path(value).resolve() if value else dagster_home.parent / "logs"


def stage_of(step_key: str) -> str:
    """The stage a Dagster step belongs to (reference tables load with the inputs)."""
    if step_key.startswith("bulletin") or step_key == "unit_report_cards":
        return "bulletin"
    if step_key.startswith("dbt") or "fct_" in step_key:
        return "models"
    if step_key.endswith(("_contract", "_reconciliation", "_quarantine_share")) or "quarantine" in step_key:
        return "validate"
    return "load"


@dataclass
class _Stage:
    name: str
    started: float
    ended: float | None = None
    steps: int = 0
    failed: int = 0
    detail: str = ""


@dataclass
class StageProgress:
    """Stage lines from Dagster events and dbt's output; prints to `console`."""

    console: Console
    status: Status | None = None
    stages: dict[str, _Stage] = field(default_factory=dict)
    current: str | None = None
    dbt_done: int = 0
    dbt_total: int = 0

    def _finish(self, name: str) -> None:
        stage = self.stages[name]
        if stage.ended is None:
            stage.ended = time.monotonic()
        elapsed = stage.ended - stage.started
        mark = "[red]✗[/red]" if stage.failed else "[green]✓[/green]"
        if name == "models" and self.dbt_total:
            detail = f"{self.dbt_done} of {self.dbt_total} dbt models and tests"
        else:
            detail = f"{stage.steps} step{'s' if stage.steps != 1 else ''}"
        if stage.failed:
            detail += f", {stage.failed} failed"
        self.console.print(f"{mark} {name:<9} {detail:<44} {elapsed:6.1f}s", highlight=False)

    def step_started(self, step_key: str) -> None:
        name = stage_of(step_key)
        if name != self.current:
            if self.current is not None:
                self._finish(self.current)
            self.current = name
            self.stages.setdefault(name, _Stage(name, time.monotonic()))
        self._show()

    def step_ended(self, step_key: str, failed: bool) -> None:
        stage = self.stages.get(stage_of(step_key))
        if stage is None:
            return
        stage.steps += 1
        stage.failed += failed
        stage.ended = time.monotonic()
        self._show()

    def dbt_line(self, line: str) -> None:
        found = _DBT_PROGRESS.search(_ANSI.sub("", line))
        if found:
            groups = [g for g in found.groups() if g is not None]
            self.dbt_done, self.dbt_total = int(groups[0]), int(groups[1])
            self._show()

    def _show(self) -> None:
        if self.status is None or self.current is None:
            return
        stage = self.stages[self.current]
        count = (
            f"{self.dbt_done}/{self.dbt_total} dbt nodes"
            if self.current == "models" and self.dbt_total
            else f"{stage.steps} steps done"
        )
        self.status.update(f"{self.current}: {count} ({time.monotonic() - stage.started:.0f}s)")

    def close(self) -> None:
        if self.current is not None:
            self._finish(self.current)
            self.current = None

    def on_event(self, record: Any) -> None:
        """An instance event listener (`DagsterInstance.add_event_listener`)."""
        event = record.dagster_event if hasattr(record, "dagster_event") else None
        if event is None or not event.step_key:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.step_started(event.step_key)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.step_ended(event.step_key, failed=kind == "STEP_FAILURE")


class _LogTee(io.TextIOBase):
    """A text stream writing to the log file and handing each line to the progress."""

    def __init__(self, log: TextIO, progress: StageProgress) -> None:
        self.log = log
        self.progress = progress
        self.pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.log.write(text)
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.progress.dbt_line(line)
        return len(text)

    def flush(self) -> None:
        self.log.flush()

    def isatty(self) -> bool:
        return False


@contextmanager
def captured_run(log_path: Path, console: Console) -> Iterator[StageProgress]:
    """Send sys.stdout/sys.stderr to `log_path` while the block runs; yield the stage progress."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as log:
        status = console.status("starting…") if console.is_terminal else None
        progress = StageProgress(console=console, status=status)
        tee = _LogTee(log, progress)
        saved = sys.stdout, sys.stderr
        if status is not None:
            status.start()
        sys.stdout = sys.stderr = tee  # type: ignore[assignment]
        try:
            yield progress
        finally:
            sys.stdout, sys.stderr = saved
            if status is not None:
                status.stop()
            progress.close()


def new_log_path(folder: Path, month: str) -> Path:
    return folder / f"{month}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
