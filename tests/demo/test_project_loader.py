"""The project's own loader reads every generated file without a load error (CSV, parquet, xlsx)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.contract import INPUTS
from pipelines.demo.generator import generate_month
from pipelines.ingest.load import load_month_input
from pipelines.ingest.locate import find_input_file


@pytest.mark.parametrize("big_format", ["csv", "parquet"])
def test_generated_month_loads_cleanly(tmp_path: Path, big_format: str) -> None:
    summary = generate_month("2021-02", tmp_path, scale=0.05, big_table_format=big_format, chunk_rows=1000)
    con = duckdb.connect()
    for spec in INPUTS:
        path = find_input_file(tmp_path, "2021-02", spec)
        assert path == summary.paths[spec.name], spec.name
        loaded = load_month_input(con, spec, path, "2021-02", "test-salt")
        assert loaded.rows_read == summary.row_counts[spec.name], spec.name
        assert loaded.rows_with_load_errors == 0, spec.name
