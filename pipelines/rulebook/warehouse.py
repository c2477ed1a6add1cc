"""Write the rulebook version in force for a month into the warehouse's raw reference tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.raw_tables import RAW_SCHEMA, ensure_raw_tables
from pipelines.rulebook.loader import load_rulebook, version_for_month

RULEBOOK_TABLES = ("rulebook_params", "rulebook_time_limits", "rulebook_texts")


def write_rulebook_for_month(con: duckdb.DuckDBPyConnection, month: str, rulebook_path: str | Path) -> str:
    """Replace `month`'s rows of raw.rulebook_params / rulebook_time_limits / rulebook_texts with the
    version in force for it, in one transaction. Returns that version (its effective_from, YYYY-MM).

    Validation happens before anything is written: a bad rulebook raises RulebookError and leaves the
    warehouse as it was.
    """
    version = version_for_month(load_rulebook(rulebook_path), month)
    name = version.effective_from
    ensure_raw_tables(con)
    con.begin()
    try:
        for table in RULEBOOK_TABLES:
            con.execute(f"delete from {RAW_SCHEMA}.{table} where month = ?", [month])
        con.executemany(
            f"insert into {RAW_SCHEMA}.rulebook_params (month, version, item, param, value) "
            "values (?, ?, ?, ?, ?)",
            [(month, name, item, param, value) for item, param, value in version.param_rows()],
        )
        con.executemany(
            f"insert into {RAW_SCHEMA}.rulebook_time_limits "
            "(month, version, kind, dispatch_level, category, working_days) values (?, ?, ?, ?, ?, ?)",
            [(month, name, *row) for row in version.time_limit_rows()],
        )
        con.executemany(
            f"insert into {RAW_SCHEMA}.rulebook_texts (month, version, key, value) values (?, ?, ?, ?)",
            [(month, name, key, value) for key, value in version.text_rows()],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return name
