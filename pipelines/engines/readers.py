"""Reading the marts through the engine that built them: one interface, a small reader per engine.

`open_month(month)` yields a DuckDB connection on which `schema.table` names the relations the
bulletin reads (bulletin/figures.py), whatever engine computed them:

* `DuckDBReader`: the warehouse file itself, under its writer lock.
* `SparkReader`: the engine runs `select * from <relation> where month <= M` for each relation
  (through dbt, so the same code serves the local session and a cluster's Thrift server) and writes
  the results as parquet under `<lake>/exchange/<id>/`; they are loaded, types and all (decimal,
  bigint, boolean), into an in-memory DuckDB under the same names. The folder is kept while the
  engine's tables are unchanged (`marts_fingerprint`), so one run's history checks, bulletin,
  report cards and alerts share one read; it is removed when they change and at exit.
  The bulletin's code then reads both engines' marts alike.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from pipelines.months import check_month
from pipelines.settings import DBT_PROJECT_DIR
from pipelines.warehouse import connect, warehouse_lock

_RELATION = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")
#: dbt output lines shown when the engine fails
ERROR_TAIL_LINES = 30


class EngineReadError(RuntimeError):
    """The engine could not return the relations; the message carries dbt's output."""


class MartsReader(Protocol):
    engine: str

    def open_month(self, month: str) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection on which the bulletin's relations hold every month up to `month`."""
        ...


#: read by the report cards besides the bulletin's relations (pipelines/bulletin/card_figures.py)
REPORT_CARD_RELATIONS = ("marts.fct_lost_point_orders",)


def alert_relations() -> tuple[str, ...]:
    """What the history checks and the indicator alerts read (pipelines/alerts)."""
    from pipelines.alerts.history_rule import INDICATORS

    return (*(i.relation for i in INDICATORS), "marts.fct_intake", "raw.quarantine")


def bulletin_relations() -> tuple[str, ...]:
    """Every `schema.table` a month's readers need: the bulletin, the report cards, the history
    checks and the indicator alerts (and raw.quarantine)."""
    from pipelines.bulletin.figures import APPEALS_MART, QUARANTINE_TABLE, REQUIRED_COLUMNS

    return tuple(
        dict.fromkeys(
            (*REQUIRED_COLUMNS, QUARANTINE_TABLE, APPEALS_MART, *REPORT_CARD_RELATIONS, *alert_relations())
        )
    )


@dataclass(frozen=True)
class DuckDBReader:
    warehouse_path: Path
    engine: str = "duckdb"

    @contextmanager
    def open_month(self, month: str) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.warehouse_path) as con:
            yield con


def lake_lock(lake_dir: Path) -> AbstractContextManager[None]:
    """One process at a time on the lake's Spark catalog (its Derby metastore admits one)."""
    return warehouse_lock(lake_dir / "spark")


def lake_uri(lake_dir: Path) -> str:
    """Where the engine sees the lake: HOTLINE_LAKE_URI (a cluster's path), else the folder itself."""
    return os.environ.get("HOTLINE_LAKE_URI", "").strip().rstrip("/") or str(lake_dir)


def dbt_command(target: str, *args: str) -> list[str]:
    from pipelines.models.project import dbt_executable

    return [
        dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target",
        target,
    ]


#: the month's exchange already loaded in this process: (lake, target, month) → (fingerprint, folder)
_SNAPSHOTS: dict[tuple[str, str, str], tuple[str, Path]] = {}


def marts_fingerprint(lake_dir: Path) -> str | None:
    """A digest of every file of the local Spark warehouse and the lake's raw tables (path, size,
    mtime): equal digests, equal tables. None when the warehouse is not a local folder (a cluster)."""
    warehouse = lake_dir / "warehouse"
    if not warehouse.is_dir():
        return None
    digest = hashlib.sha256()
    for top in (warehouse, lake_dir / "raw"):
        for root, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                stat = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _forget_snapshots() -> None:
    for _, folder in _SNAPSHOTS.values():
        shutil.rmtree(folder, ignore_errors=True)
    _SNAPSHOTS.clear()


atexit.register(_forget_snapshots)


@dataclass(frozen=True)
class SparkReader:
    dbt_target: str
    lake_dir: Path
    engine: str = "spark"

    def _unload(self, queries: Mapping[str, str]) -> Path:
        """Run each query on the engine into `<lake>/exchange/<id>/<name>/` (the caller holds the
        lake's lock); returns the folder. Raises EngineReadError (with dbt's output)."""
        for name in queries:
            if not _RELATION.match(name):
                raise ValueError(f"{name!r} is not a schema.table name")
        exchange_id = uuid.uuid4().hex
        local = self.lake_dir / "exchange" / exchange_id
        remote = f"{lake_uri(self.lake_dir)}/exchange/{exchange_id}"
        target_path = self.lake_dir / "exchange" / f"dbt-{exchange_id}"
        args = json.dumps({"queries": dict(queries), "directory": remote})
        command = dbt_command(self.dbt_target, "run-operation", "unload_queries", "--args", args)
        command += ["--target-path", str(target_path)]
        env = {**os.environ, "HOTLINE_LAKE": str(self.lake_dir)}
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        finally:
            shutil.rmtree(target_path, ignore_errors=True)
        if done.returncode != 0:
            shutil.rmtree(local, ignore_errors=True)
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-ERROR_TAIL_LINES:])
            raise EngineReadError(
                f"the {self.engine} engine (dbt target {self.dbt_target}) could not read "
                f"{', '.join(queries)}; dbt said:\n{tail}"
            )
        return local

    def load(self, queries: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
        """Run each query on the engine; an in-memory DuckDB with one table per `schema.table` key.

        Raises EngineReadError (with dbt's output) when the engine fails.
        """
        with lake_lock(self.lake_dir):
            local = self._unload(queries)
        try:
            return _in_memory(local, queries)
        finally:
            shutil.rmtree(local, ignore_errors=True)

    @contextmanager
    def open_month(self, month: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The month's relations (every month up to `month`), read once per process while the
        engine's tables are unchanged: the history checks, the bulletin, the report cards and the
        alerts of one run share one read (one JVM start on the local session)."""
        month = check_month(month)
        queries = {name: f"select * from {name} where month <= '{month}'" for name in bulletin_relations()}
        key = (str(self.lake_dir.resolve()), self.dbt_target, month)
        with lake_lock(self.lake_dir):
            fingerprint = marts_fingerprint(self.lake_dir)
            cached = _SNAPSHOTS.get(key)
            if cached is not None and fingerprint is not None and cached[0] == fingerprint:
                folder = cached[1]
            else:
                if cached is not None:
                    shutil.rmtree(cached[1], ignore_errors=True)
                    del _SNAPSHOTS[key]
                folder = self._unload(queries)
                if fingerprint is not None:
                    _SNAPSHOTS[key] = (fingerprint, folder)
        try:
            con = _in_memory(folder, queries)
        finally:
            if key not in _SNAPSHOTS:
                shutil.rmtree(folder, ignore_errors=True)
        try:
            yield con
        finally:
            con.close()


def _in_memory(folder: Path, queries: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        for name in queries:
            files = sorted((folder / name).glob("*.parquet"))
            if not files:
                raise EngineReadError(f"the engine wrote no parquet file for {name} under {folder / name}")
            schema, table = name.split(".")
            con.execute(f"create schema if not exists {schema}")
            con.execute(
                f"create table {schema}.{table} as select * from read_parquet(?)", [[str(f) for f in files]]
            )
    except BaseException:
        con.close()
        raise
    return con


def marts_reader(engine: str, dbt_target: str, lake_dir: Path, warehouse_path: Path) -> MartsReader:
    """The reader of the marts `engine` built (HOTLINE_ENGINE)."""
    if engine == "spark":
        return SparkReader(dbt_target=dbt_target, lake_dir=lake_dir)
    return DuckDBReader(warehouse_path=warehouse_path)


def copy_raw_inputs(con: duckdb.DuckDBPyConnection, warehouse_path: Path, month: str) -> None:
    """Add the month's `raw.<input>` rows (month, source_row) from the DuckDB warehouse to a reader's
    connection: on Spark the raw inputs stay upstream in DuckDB, and the quarantine-share alert
    counts the rows read from them. The caller holds the warehouse's lock."""
    from pipelines.contract import INPUTS

    month = check_month(month)
    con.execute("attach ? as upstream (read_only)", [str(warehouse_path)])
    try:
        stored = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.columns where table_catalog = 'upstream'"
                " and table_schema = 'raw' and column_name = 'source_row'"
            ).fetchall()
        }
        con.execute("create schema if not exists raw")
        for spec in INPUTS:
            if spec.name in stored:
                con.execute(
                    f"create or replace table raw.{spec.name} as select month, source_row"
                    f" from upstream.raw.{spec.name} where month = ?",
                    [month],
                )
    finally:
        con.execute("detach upstream")

