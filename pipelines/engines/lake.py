"""The lake: the month's accepted raw tables as parquet, partitioned by month (Spark's dbt sources).

Layout under HOTLINE_LAKE (default `data/lake`):

    raw/<table>/month=YYYY-MM/part-0.parquet   one folder per month (the `month` column is the folder)
    raw/working_calendar/part-0.parquet        not partitioned, replaced whole
    warehouse/, metastore_db/                  the Spark warehouse and its catalog (dbt's `spark` target)

Written from the DuckDB warehouse after validation, so nothing upstream changes: the inputs'
*accepted* rows only (the staging views' own predicate, validation/quarantine.py), `raw.quarantine`,
the month's rulebook and the calendar. Personal free text (the contract's `personal` columns, e.g.
`content`) leaves the warehouse masked: as many `*` as it has characters, so that the lengths the
models measure are unchanged and no request text reaches the cluster. A month's folder is written
beside the old one and swapped in, so a reader never sees half a month.

Dbt registers these folders as the tables `raw.<table>` on Spark (macro `register_lake_sources`).
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.contract import INPUTS, InputSpec
from pipelines.validation.quarantine import ACCEPTED_ROWS_SQL, QUARANTINE_TABLE

RAW_SCHEMA = "raw"
PARQUET_FILE = "part-0.parquet"
#: partitioned by month besides the inputs
MONTHLY_TABLES = ("quarantine", "rulebook_params", "rulebook_time_limits", "rulebook_texts")
#: replaced whole
WHOLE_TABLES = ("working_calendar",)
#: every table of the lake: the dbt sources of `raw` (models/staging/_sources.yml)
LAKE_TABLES = (*(spec.name for spec in INPUTS), *MONTHLY_TABLES, *WHOLE_TABLES)


@dataclass(frozen=True)
class LakeTable:
    """One table written for a month: where, and how many rows (read back from the file)."""

    table: str
    path: Path
    rows: int


def table_dir(lake: Path, table: str) -> Path:
    return lake / RAW_SCHEMA / table


def month_dir(lake: Path, table: str, month: str) -> Path:
    return table_dir(lake, table) / f"month={month}"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [RAW_SCHEMA, table],
    ).fetchall()
    if not rows:
        raise FileNotFoundError(
            f"raw.{table} is not in the warehouse: materialize the raw assets of the month first"
        )
    return [row[0] for row in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_list(columns: list[str], spec: InputSpec | None) -> str:
    """The exported columns without `month` (it is the folder), personal text masked."""
    personal = {c.name for c in spec.columns if c.personal} if spec else set()
    return ", ".join(
        f"repeat('*', length({_quote(c)})) as {_quote(c)}" if c in personal else _quote(c)
        for c in columns
        if c != "month"
    )


def month_query(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The SELECT of one table's rows for `$month` (accepted rows for an input)."""
    spec = next((s for s in INPUTS if s.name == table), None)
    columns = _columns(con, table)
    raw = f"{RAW_SCHEMA}.{_quote(table)}"
    if spec is not None:
        source = f"({ACCEPTED_ROWS_SQL.format(raw=raw)}) as accepted"
    elif table in MONTHLY_TABLES:
        source = f"{raw} where month = $month"
    else:
        source = raw
    return f"select {_select_list(columns, spec)} from {source}"


def _copy(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, str], target: Path) -> int:
    """Write the rows of `sql` to `target` (a folder, replaced) as one parquet file; rows written."""
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    staging.mkdir(parents=True)
    try:
        file = staging / PARQUET_FILE
        literal = str(file).replace("'", "''")
        con.execute(f"copy ({sql}) to '{literal}' (format parquet, compression zstd)", params)
        rows = con.execute("select count(*) from read_parquet(?)", [str(file)]).fetchone()[0]
        old = target.with_name(f".{target.name}.old.{uuid.uuid4().hex}")
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return int(rows)


def export_month(con: duckdb.DuckDBPyConnection, lake: Path, month: str) -> dict[str, LakeTable]:
    """Write every lake table for `month` from the warehouse; table → what was written.

    Raises FileNotFoundError naming the raw table when the month's raw assets were not run.
    """
    written: dict[str, LakeTable] = {}
    for table in LAKE_TABLES:
        if table in WHOLE_TABLES:
            target = table_dir(lake, table)
            params: dict[str, str] = {}
        else:
            target = month_dir(lake, table, month)
            params = {"month": month, "input": table}
        sql = month_query(con, table)
        if "$input" not in sql:
            params.pop("input", None)
        if "$month" not in sql:
            params.pop("month", None)
        written[table] = LakeTable(table, target, _copy(con, sql, params, target))
    return written


def accepted_rows(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, int]:
    """Input → the month's accepted rows in the warehouse (what the lake must hold)."""
    counts = {}
    for spec in INPUTS:
        raw = f"{RAW_SCHEMA}.{_quote(spec.name)}"
        sql = f"select count(*) from ({ACCEPTED_ROWS_SQL.format(raw=raw)})"
        counts[spec.name] = int(con.execute(sql, {"month": month, "input": spec.name}).fetchone()[0])
    counts["quarantine"] = int(
        con.execute(f"select count(*) from {QUARANTINE_TABLE} where month = ?", [month]).fetchone()[0]
    )
    return counts
