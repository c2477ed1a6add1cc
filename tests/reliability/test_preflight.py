"""Issue 11.7: an unwritable output or a full disk stops the run before the warehouse is touched,
naming the path and the fix; a warehouse folder that does not exist is created after saying so."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.runner import before_run
from pipelines.settings import Settings
from tests.support.pipeline_run import pipeline_env

# slow: runs months through Dagster (make test-fast leaves it out)
pytestmark = pytest.mark.slow


@contextmanager
def tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real small or read-only file system at `folder` (root only; skipped where mount is refused)."""
    folder.mkdir(parents=True, exist_ok=True)
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)]
    mounted = subprocess.run(command, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **paths: Path):
    env = pipeline_env(tmp_path)
    for key in ("HOTLINE_LANDING", "HOTLINE_WAREHOUSE", "HOTLINE_OUTPUT", "DAGSTER_HOME"):
        monkeypatch.setenv(key, env[key])
    args = ["run", "--month", "2021-01"]
    for flag, path in paths.items():
        args += [f"--{flag}", str(path)]
    return CliRunner().invoke(main, args)


def test_a_read_only_output_fails_before_the_warehouse_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with tmpfs(tmp_path / "readonly", "ro,size=1m") as output:
        result = run_cli(tmp_path, monkeypatch, output=output, warehouse=tmp_path / "wh" / "w.duckdb")
    assert result.exit_code == 1
    assert f"cannot write the bulletin of 2021-01 to {output / '2021-01'}" in result.output
    assert "Read-only file system" in result.output
    assert "Fix: make that folder writable" in result.output and "--output / HOTLINE_OUTPUT" in result.output
    assert not (tmp_path / "wh").exists()


def test_a_file_where_the_output_folder_should_be_fails_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "output"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run_cli(tmp_path, monkeypatch)
    assert result.exit_code == 1
    assert f"cannot write the bulletin of 2021-01 to {blocker / '2021-01'}" in result.output
    assert "a file stands where a folder is needed" in result.output
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_full_disk_fails_before_the_warehouse_is_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with tmpfs(tmp_path / "small", "size=2m") as disk:
        result = run_cli(tmp_path, monkeypatch, warehouse=disk / "warehouse.duckdb")
        assert result.exit_code == 1
        assert "not enough free disk space for the run" in result.output
        assert f"on the disk of {disk}" in result.output
        assert "the warehouse in" in result.output and "HOTLINE_WAREHOUSE" in result.output
        assert not (disk / "warehouse.duckdb").exists()


def test_a_warehouse_folder_that_does_not_exist_is_created_after_saying_so(tmp_path: Path):
    warehouse = tmp_path / "new" / "place" / "warehouse.duckdb"
    settings = replace(
        Settings.from_env(),
        landing_dir=tmp_path / "landing",
        warehouse_path=warehouse,
        output_dir=tmp_path / "output",
        dagster_home=tmp_path / "home",
        phone_salt="a-secret",
    )
    heard: list[tuple[str, bool]] = []
    before_run(settings, "2021-01", lambda message: heard.append((message, warehouse.parent.exists())))
    assert heard == [
        (
            f"the warehouse folder {warehouse.parent} does not exist: creating it, with a new empty "
            f"warehouse warehouse.duckdb (if you meant an existing warehouse, stop now and check "
            f"--warehouse / HOTLINE_WAREHOUSE)",
            False,
        )
    ]
    assert warehouse.parent.is_dir() and not warehouse.exists()


def test_a_run_not_started_by_hotline_run_checks_the_output_before_its_first_step(tmp_path: Path):
    """A run the daemon launches (schedule, sensor, backfill) has no `hotline run` before it: the
    `home` resource checks the output when the run starts (pipelines/resources.py InstanceHome)."""
    import dagster as dg

    from pipelines.ingest.assets import raw_assets
    from pipelines.resources import build_resources

    settings = replace(
        Settings.from_env(),
        landing_dir=tmp_path / "landing",
        warehouse_path=tmp_path / "warehouse.duckdb",
        dagster_home=tmp_path / "home",
        phone_salt="a-secret",
    )
    with tmpfs(tmp_path / "readonly", "ro,size=1m") as output:
        result = dg.materialize(
            raw_assets[:1],
            partition_key="2021-01",
            resources=build_resources(replace(settings, output_dir=output)),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    assert not result.success
    failures = [event for event in result.all_events if event.is_failure]
    assert any(
        f"cannot write the bulletin of 2021-01 to {output / '2021-01'}" in str(event.event_specific_data)
        for event in failures
    )
    assert not settings.warehouse_path.exists()
