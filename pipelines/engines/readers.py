"""Reading the marts through the engine that built them: one interface, a small reader per engine.

`open_month(month)` yields a DuckDB connection on which `schema.table` names the relations the
bulletin reads (bulletin/figures.py), whatever engine computed them:

* `DuckDBReader`: the warehouse file itself, under its writer lock.
* `SparkReader`: the engine runs `select * from <relation> where month <= M` for each relation
  (through dbt, so the same code serves the local session and a cluster's Thrift server) and writes
  the results as parquet under `<lake>/exchange/<id>/`; they are loaded, types and all (decimal,
  bigint, boolean), into an in-memory DuckDB under the same names, and the folder is removed.
  The bulletin's code then reads both engines' marts alike.
"""

from __future__ import annotations

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


def bulletin_relations() -> tuple[str, ...]:
    """Every `schema.table` the bulletin and the report cards read (and raw.quarantine)."""
    from pipelines.bulletin.figures import QUARANTINE_TABLE, REQUIRED_COLUMNS

    return tuple(dict.fromkeys((*REQUIRED_COLUMNS, QUARANTINE_TABLE, *REPORT_CARD_RELATIONS)))


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


@dataclass(frozen=True)
class SparkReader:
    dbt_target: str
    lake_dir: Path
    engine: str = "spark"

    def load(self, queries: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
        """Run each query on the engine; an in-memory DuckDB with one table per `schema.table` key.

        Raises EngineReadError (with dbt's output) when the engine fails.
        """
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
            with lake_lock(self.lake_dir):
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).splitlines()[-ERROR_TAIL_LINES:])
                raise EngineReadError(
                    f"the {self.engine} engine (dbt target {self.dbt_target}) could not read "
                    f"{', '.join(queries)}; dbt said:\n{tail}"
                )
            return _in_memory(local, queries)
        finally:
            shutil.rmtree(local, ignore_errors=True)
            shutil.rmtree(target_path, ignore_errors=True)

    @contextmanager
    def open_month(self, month: str) -> Iterator[duckdb.DuckDBPyConnection]:
        month = check_month(month)
        queries = {name: f"select * from {name} where month <= '{month}'" for name in bulletin_relations()}
        con = self.load(queries)
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
