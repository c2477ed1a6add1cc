"""The connection the indicator rules read a month from, on either engine (HOTLINE_ENGINE)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pipelines.engines.readers import copy_raw_inputs, marts_reader
from pipelines.settings import Settings
from pipelines.warehouse import warehouse_lock


@contextmanager
def indicator_connection(
    settings: Settings, month: str, wait_seconds: float
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The month's marts as the engine built them: the DuckDB warehouse (read-only, under its lock;
    filelock.Timeout after `wait_seconds`), or on Spark the engine's reader (never the DuckDB file's
    marts, absent or an older DuckDB run's) with the raw inputs' row numbers copied from the
    warehouse for the quarantine share. Raises EngineReadError when Spark cannot be read."""
    if settings.engine == "duckdb":
        with warehouse_lock(settings.warehouse_path, timeout=wait_seconds):
            con = duckdb.connect(str(settings.warehouse_path), read_only=True)
            try:
                yield con
            finally:
                con.close()
        return
    reader = marts_reader(settings.engine, settings.dbt_target, settings.lake_dir, settings.warehouse_path)
    with reader.open_month(month) as con:
        with warehouse_lock(settings.warehouse_path, timeout=wait_seconds):
            copy_raw_inputs(con, settings.warehouse_path, month)
        yield con
