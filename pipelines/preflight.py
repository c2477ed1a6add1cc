"""Checks before a month's run touches the warehouse: output and instance writable, enough disk.

A run that cannot write its bulletin (a read-only or missing mount, a file where the folder should
be) or that would fill the disk must stop before it reloads the month's raw tables, with the path
and the fix (README "Operations"). A warehouse in a folder that does not exist is only created after
saying so: a mistyped `--warehouse` otherwise starts an empty warehouse without a word.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import Settings

MB = 1024 * 1024
#: least free space (MB) for the bulletin's files of one month (documents, charts, data docs)
OUTPUT_NEED_MB = 50
#: least free space (MB) for the run's records in DAGSTER_HOME (event log, dbt artifacts)
INSTANCE_NEED_MB = 50
#: least free space (MB) for the warehouse, and its growth per MB of the month's landing files
WAREHOUSE_NEED_MB = 100
WAREHOUSE_GROWTH_PER_LANDING_MB = 2.0


class PreflightError(ValueError):
    """The run cannot start; the message names the path, the problem and the fix."""


@dataclass(frozen=True)
class SpaceNeed:
    what: str
    path: Path
    bytes: int


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable_folder(folder: Path, what: str, fix: str) -> None:
    """Create `folder` if needed and write/remove a probe file in it; PreflightError otherwise."""
    probe = folder / ".hotline-write-test"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with probe.open("wb") as handle:
            handle.write(b"hotline")
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as error:
        reason = error.strerror or str(error)
        if isinstance(error, FileExistsError | NotADirectoryError):
            reason = f"{reason} (a file stands where a folder is needed)"
        elif error.errno == errno.ENOSPC:
            reason = "the disk is full"
        raise PreflightError(
            f"cannot write {what} to {folder}: {reason}. Nothing was loaded. Fix: {fix}"
        ) from None


def landing_bytes(settings: Settings, month: str) -> int:
    """Size of the month's landing folder (0 when it does not exist)."""
    folder = settings.landing_dir / month
    if not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def space_needs(settings: Settings, month: str) -> list[SpaceNeed]:
    """What the run writes where, at least (see the constants above)."""
    landing_mb = landing_bytes(settings, month) / MB
    warehouse_mb = max(WAREHOUSE_NEED_MB, WAREHOUSE_GROWTH_PER_LANDING_MB * landing_mb)
    return [
        SpaceNeed("the warehouse", settings.warehouse_path.parent, int(warehouse_mb * MB)),
        SpaceNeed("the bulletin", settings.output_dir, OUTPUT_NEED_MB * MB),
        SpaceNeed("the Dagster instance (DAGSTER_HOME)", settings.dagster_home, INSTANCE_NEED_MB * MB),
    ]


def check_free_space(needs: list[SpaceNeed]) -> None:
    """PreflightError when a disk has less free space than the needs that land on it, summed."""
    by_disk: dict[int, list[SpaceNeed]] = {}
    anchors: dict[int, Path] = {}
    for need in needs:
        anchor = _existing_ancestor(need.path)
        device = anchor.stat().st_dev
        by_disk.setdefault(device, []).append(need)
        anchors.setdefault(device, anchor)
    for device, on_disk in by_disk.items():
        free = shutil.disk_usage(anchors[device]).free
        wanted = sum(need.bytes for need in on_disk)
        if free < wanted:
            parts = ", ".join(
                f"{need.what} in {need.path} about {need.bytes / MB:.0f} MB" for need in on_disk
            )
            raise PreflightError(
                f"not enough free disk space for the run: {free / MB:.1f} MB free on the disk of "
                f"{anchors[device]}, the run needs about {wanted / MB:.0f} MB ({parts}). Nothing was "
                f"loaded. Fix: free space on that disk (old dbt artifacts: DAGSTER_HOME/dbt_artifacts; "
                f"old outputs), or point HOTLINE_WAREHOUSE / HOTLINE_OUTPUT / DAGSTER_HOME at a disk "
                f"with room."
            )


def prepare_warehouse_folder(warehouse: Path, say: Callable[[str], None]) -> None:
    """Say, then create, a warehouse folder that does not exist; say when the file is new."""
    if not warehouse.parent.exists():
        say(
            f"the warehouse folder {warehouse.parent} does not exist: creating it, with a new empty "
            f"warehouse {warehouse.name} (if you meant an existing warehouse, stop now and check "
            f"--warehouse / HOTLINE_WAREHOUSE)"
        )
    elif not warehouse.exists():
        say(f"no warehouse at {warehouse} yet: this run creates a new one")
    check_writable_folder(
        warehouse.parent,
        "the warehouse",
        "make that folder writable for this user, or point --warehouse / HOTLINE_WAREHOUSE elsewhere.",
    )


def check_before_run(settings: Settings, month: str, say: Callable[[str], None]) -> None:
    """Every check of this module, in order; the warehouse folder is created last, after saying so."""
    check_run_can_write(settings, month)
    prepare_warehouse_folder(settings.warehouse_path, say)


def check_run_can_write(settings: Settings, month: str) -> None:
    """Output and instance writable, enough free disk (also at the start of a daemon-launched run,
    pipelines/resources.py)."""
    check_writable_folder(
        settings.output_dir / month,
        f"the bulletin of {month}",
        "make that folder writable for this user (or mount it read-write), or choose another one "
        "with --output / HOTLINE_OUTPUT.",
    )
    check_writable_folder(
        settings.dagster_home,
        "the run's records (DAGSTER_HOME)",
        "make that folder writable for this user, or set DAGSTER_HOME to a writable folder.",
    )
    check_free_space(space_needs(settings, month))
