"""Write hand-made rows straight into the raw tables (tests only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from pipelines.raw_tables import ensure_raw_tables, raw_columns


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, month: str, rows: Iterable[Mapping[str, Any]]
) -> None:
    """Insert rows into raw.<table>; unspecified columns are null, lineage columns filled."""
    ensure_raw_tables(con)
    names = [name for name, _ in raw_columns_of(con, table)]
    for index, row in enumerate(rows, start=1):
        values = {"month": month, "source_file": f"{table}.csv", "source_row": index, **row}
        unknown = set(values) - set(names)
        if unknown:
            raise KeyError(f"raw.{table} has no columns {sorted(unknown)}")
        cols = [n for n in names if n in values]
        placeholders = ", ".join("?" for _ in cols)
        con.execute(
            f"insert into raw.{table} ({', '.join(cols)}) values ({placeholders})",
            [values[c] for c in cols],
        )


def raw_columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    from pipelines.contract import INPUTS_BY_NAME

    if table in INPUTS_BY_NAME:
        return raw_columns(INPUTS_BY_NAME[table])
    described = con.execute(f"describe raw.{table}").fetchall()
    return [(r[0], r[1]) for r in described]
