"""A month's run and the month before it: the province change (bulletin 三.1) reads M−1's orders.

2021-02's 省派 change is counted against 2021-01's raw orders. Two months started at once, or in the
wrong order, would otherwise give a bulletin without the comparison, silently. Before M's run
computes anything (`hotline run`'s start, and the dbt step of any run):

* M−1 in the warehouse: go on.
* M−1 not in the warehouse, but its landing folder exists: wait while a run of M−1 is in progress
  (a `hotline run` of this instance, or a started Dagster run of partition M−1), at most
  `HOTLINE_PREVIOUS_MONTH_WAIT` seconds (default 3600); when none is (after a short grace for one
  that is just starting), refuse, naming the command that loads M−1.
* neither: go on with a warning (the bulletin says there is no comparison).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.partitions import FIRST_MONTH, previous_month
from pipelines.settings import Settings
from pipelines.warehouse import open_warehouse, warehouse_lock

DEFAULT_WAIT_SECONDS = 3600.0
#: a run of M−1 started at the same moment may need this long to show up
START_GRACE_SECONDS = 60.0
POLL_SECONDS = 2.0
ACTIVE_FOLDER = ".active_months"
#: a queued run of M−1 is not waited for: with max_concurrent_runs 1 it starts after this one ends
IN_PROGRESS = ("STARTING", "STARTED")


class PreviousMonthMissing(ValueError):
    """M−1 has a landing folder but is not in the warehouse, and no run of it is in progress."""


@dataclass(frozen=True)
class PreviousMonthState:
    month: str
    previous: str
    loaded: bool
    landing_exists: bool


def wait_seconds() -> float:
    value = os.environ.get("HOTLINE_PREVIOUS_MONTH_WAIT", "").strip()
    if not value:
        return DEFAULT_WAIT_SECONDS
    try:
        return max(0.0, float(value))
    except ValueError:
        raise ValueError(f"HOTLINE_PREVIOUS_MONTH_WAIT must be a number of seconds, got {value!r}") from None


def orders_loaded(warehouse: Path, month: str) -> bool:
    """True when `raw.orders` holds rows of `month` (what fct_province_summary compares with)."""
    if not warehouse.exists():
        return False
    with warehouse_lock(warehouse):
        con = open_warehouse(warehouse, read_only=True)
        try:
            return bool(
                con.execute("select count(*) from raw.orders where month = ?", [month]).fetchone()[0]
            )
        except duckdb.CatalogException:  # no raw.orders yet
            return False
        finally:
            con.close()


def state(settings: Settings, month: str) -> PreviousMonthState:
    previous = previous_month(month)
    return PreviousMonthState(
        month=month,
        previous=previous,
        loaded=orders_loaded(settings.warehouse_path, previous),
        landing_exists=(settings.landing_dir / previous).is_dir(),
    )


# -- runs in progress ------------------------------------------------------------------------------
def active_marker(dagster_home: Path, month: str, pid: int | None = None) -> Path:
    return dagster_home / ACTIVE_FOLDER / f"{month}.{os.getpid() if pid is None else pid}"


def mark_active(dagster_home: Path, month: str) -> Path:
    """Say that this process runs `month` (removed by the caller when the run ends)."""
    marker = active_marker(dagster_home, month)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("", encoding="ascii")
    return marker


def _cli_run_active(dagster_home: Path, month: str) -> bool:
    for marker in (dagster_home / ACTIVE_FOLDER).glob(f"{month}.*"):
        pid = marker.suffix.lstrip(".")
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            return True
        except ProcessLookupError:
            marker.unlink(missing_ok=True)
        except PermissionError:
            return True
    return False


def _dagster_run_active(dagster_home: Path, month: str) -> bool:
    import dagster as dg

    from pipelines.run_liveness import run_process_dead

    if not (dagster_home / "dagster.yaml").exists():
        return False  # no instance there: no Dagster run to wait for
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    with instance:
        runs = instance.get_runs(
            filters=dg.RunsFilter(
                statuses=[dg.DagsterRunStatus(status) for status in IN_PROGRESS],
                tags={"dagster/partition": month},
            )
        )
    return any(run_process_dead(run.tags) is None for run in runs)


def run_in_progress(settings: Settings, month: str) -> bool:
    return _cli_run_active(settings.dagster_home, month) or _dagster_run_active(settings.dagster_home, month)


# -- the rule --------------------------------------------------------------------------------------
def missing_message(found: PreviousMonthState, landing: Path) -> str:
    return (
        f"{found.month} compares its province orders with {found.previous}, whose landing folder "
        f"{landing / found.previous} exists but which is not in the warehouse, and no run of "
        f"{found.previous} is in progress. Nothing was loaded for {found.month}. Fix: run "
        f"`hotline run --month {found.previous}` first, then {found.month} (or move the folder "
        f"{found.previous} out of the landing folder to publish without the comparison)."
    )


def require_previous_month(
    settings: Settings,
    month: str,
    say: Callable[[str], None],
    grace: float = START_GRACE_SECONDS,
    wait: float | None = None,
) -> PreviousMonthState:
    """Apply the rule of the module docstring; raises PreviousMonthMissing (a ValueError)."""
    wait = wait_seconds() if wait is None else wait
    started = time.monotonic()
    told: bool | None = None
    while True:
        found = state(settings, month)
        if found.loaded:
            return found
        if not found.landing_exists:
            if month > FIRST_MONTH:
                say(
                    f"{found.previous} is not in the warehouse and has no landing folder: the bulletin "
                    f"of {month} says there is no comparison with {found.previous} (province orders)."
                )
            return found
        elapsed = time.monotonic() - started
        active = run_in_progress(settings, found.previous)
        if (not active and elapsed >= grace) or elapsed >= wait:
            raise PreviousMonthMissing(missing_message(found, settings.landing_dir))
        if told != active:
            for_what = (
                f"for its run to load it (at most {wait:g} s, HOTLINE_PREVIOUS_MONTH_WAIT)"
                if active
                else f"up to {grace:g} s for a run of it to start"
            )
            say(f"{month} compares with {found.previous}, not in the warehouse yet: waiting {for_what}")
            told = active
        time.sleep(POLL_SECONDS)
