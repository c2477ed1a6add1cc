"""Issue 11.1 / 8.7: another program holding the warehouse (read-only or not) makes a run wait a
bounded time with a message naming the process, then fail naming its PID and the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.resources import WarehouseResource
from pipelines.warehouse import WarehouseBusyError, lock_holder, open_warehouse
from tests.reliability.holders import holding
from tests.support.pipeline_run import pipeline_env

# slow: runs months through hotline run (make test-fast leaves it out)
pytestmark = pytest.mark.slow

HOTLINE = Path(sys.executable).parent / "hotline"


def make_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema raw; create table raw.marker as select 42 as answer")
    con.close()
    return path


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only reader", "read-write client"])
def test_a_step_fails_after_the_configured_wait_naming_the_holders_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool
):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("HOTLINE_WAREHOUSE_WAIT", "1")
    resource = WarehouseResource(database=str(warehouse))
    with (
        holding(warehouse, read_only=read_only) as reader,
        pytest.raises(WarehouseBusyError) as failure,
        resource.get_connection(),
    ):
        pass
    message = str(failure.value)
    assert f"PID {reader.pid}" in message
    assert str(warehouse) in message
    assert "waited 1 s, HOTLINE_WAREHOUSE_WAIT" in message
    assert "Fix: close that connection" in message and f"kill {reader.pid}" in message


def test_a_run_waits_for_a_reader_that_closes_within_the_wait(tmp_path: Path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    heard: list[str] = []
    with holding(warehouse, read_only=True, seconds=1.5) as reader:
        con = open_warehouse(warehouse, wait=60, notify=heard.append)
    try:
        assert con.execute("select answer from raw.marker").fetchone() == (42,)
    finally:
        con.close()
    assert len(heard) == 1
    assert f"PID {reader.pid}" in heard[0] and "waiting up to 60 s" in heard[0]


def test_lock_holder_reads_duckdbs_message():
    message = (
        'IO Error: Could not set lock on file "/data/w.duckdb": Conflicting lock is held in '
        "/usr/bin/duckdb (PID 4242) by user ana. See also https://duckdb.org/docs/"
    )
    holder = lock_holder(RuntimeError(message))
    assert holder is not None
    assert (holder.file, holder.program, holder.pid) == ("/data/w.duckdb", "/usr/bin/duckdb", 4242)
    assert lock_holder(RuntimeError("Catalog Error: Table x does not exist")) is None


def test_hotline_run_stops_within_the_wait_before_writing_and_names_the_reader(tmp_path: Path):
    """A real `hotline run` against a warehouse a notebook holds read-only (issue 11.1)."""
    from pipelines.demo.generator import generate_month

    generate_month("2021-01", tmp_path / "landing", scale=0.02)
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    before = warehouse.stat().st_mtime_ns
    env = {**pipeline_env(tmp_path), "HOTLINE_WAREHOUSE_WAIT": "2"}
    with holding(warehouse, read_only=True) as reader:
        result = subprocess.run(
            [str(HOTLINE), "run", "--month", "2021-01"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"(PID {reader.pid}); waiting up to 2 s" in result.stderr
    assert "holds its lock (waited 2 s, HOTLINE_WAREHOUSE_WAIT). Nothing was written." in result.stderr
    assert "Traceback" not in result.stderr
    # the failure came before any step: no Dagster run, the warehouse untouched
    assert warehouse.stat().st_mtime_ns == before
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        query = "select schema_name from information_schema.schemata"
        schemas = {row[0] for row in con.execute(query).fetchall()}
    finally:
        con.close()
    assert "raw" in schemas and not {"staging", "marts"} & schemas
    assert not (tmp_path / "output" / "2021-01" / "bulletin.json").exists()
