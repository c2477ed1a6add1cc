"""The engines' readers without a JVM (pipelines/engines/readers.py): when a Spark read may be reused,
the raw inputs copied beside Spark's marts for the alerts, and what refuses to read a stale DuckDB
file on Spark (the what-if job). The reads on Spark itself are in tests/spark (`make test-spark`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from pipelines.engines.readers import alert_relations, bulletin_relations, copy_raw_inputs, marts_fingerprint
from pipelines.whatif import WhatifError, run_whatif


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_read_is_reused_only_while_the_engines_files_are_unchanged(tmp_path: Path):
    lake = tmp_path / "lake"
    assert marts_fingerprint(lake) is None  # no local warehouse (a cluster's): never reused
    part = lake / "warehouse" / "marts.db" / "fct_unit_scores" / "month=2021-01" / "part-0.parquet"
    _write(part, "a")
    _write(lake / "raw" / "quarantine" / "month=2021-01" / "part-0.parquet", "q")
    first = marts_fingerprint(lake)
    assert first is not None and marts_fingerprint(lake) == first
    _write(lake / "exchange" / "x" / "part-0.parquet", "read back")  # the reads' own folder
    assert marts_fingerprint(lake) == first
    _write(part.with_name("part-1.parquet"), "b")  # a new month or a rebuilt model
    second = marts_fingerprint(lake)
    assert second != first
    os.utime(part, ns=(1, 1))  # rewritten in place
    assert marts_fingerprint(lake) not in (first, second)
    _write(lake / "raw" / "orders" / "month=2021-02" / "part-0.parquet", "o")  # a new month's inputs
    assert marts_fingerprint(lake) != second


def test_the_months_reads_cover_the_history_checks_and_the_alerts():
    relations = bulletin_relations()
    assert set(alert_relations()) <= set(relations)
    assert {
        "marts.fct_unit_scores",
        "marts.fct_county_data_quality",
        "intermediate.int_county_data_quality",
        "marts.fct_intake",
        "raw.quarantine",
    } <= set(relations)


def test_the_months_reads_cover_every_relation_the_bulletin_and_the_alerts_name():
    """A relation read by the bulletin but missing from the Spark read is silently empty there
    (fct_appeals was: the Spark bulletin had no appeals); every relation the code names is read."""
    root = Path(__file__).resolve().parents[2] / "pipelines"
    sources = [
        *(root / "bulletin").glob("*.py"),
        root / "alerts" / "history_rule.py",
        root / "alerts" / "anomalies.py",
    ]
    named = {
        match.group(0)
        for path in sources
        for match in re.finditer(
            r"\b(?:marts|intermediate)\.[a-z_]+(?![{\w*])|\braw\.(?:quarantine|rulebook_[a-z_]+)(?![{\w*])",
            path.read_text(encoding="utf-8"),
        )
    }
    assert {"marts.fct_appeals", "marts.fct_unit_scores", "raw.quarantine"} <= named
    assert named - set(bulletin_relations()) == set()


def test_the_raw_inputs_row_numbers_join_sparks_marts_for_the_quarantine_share(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw")
    con.execute("create table raw.orders (month varchar, source_row bigint, content varchar)")
    con.execute("insert into raw.orders values ('2021-01', 1, 'a'), ('2021-02', 1, 'b'), ('2021-02', 2, 'c')")
    con.execute("create table raw.units (unit_code varchar)")  # no row numbers: not copied
    con.close()
    reader = duckdb.connect(":memory:")
    copy_raw_inputs(reader, warehouse, "2021-02")
    assert reader.execute("select month, source_row from raw.orders order by 2").fetchall() == [
        ("2021-02", 1),
        ("2021-02", 2),
    ]
    columns = reader.execute("select column_name from information_schema.columns where table_name = 'orders'")
    assert [c for (c,) in columns.fetchall()] == ["month", "source_row"]  # no personal text
    tables = reader.execute("select table_name from information_schema.tables where table_schema = 'raw'")
    assert [t for (t,) in tables.fetchall()] == ["orders"]
    attached = reader.execute("select count(*) from duckdb_databases() where database_name = 'upstream'")
    assert attached.fetchone()[0] == 0
    with pytest.raises(ValueError, match="YYYY-MM"):
        copy_raw_inputs(reader, warehouse, "2021-2")


def test_trial_scoring_refuses_on_spark_instead_of_reading_the_duckdb_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HOTLINE_ENGINE", "spark")
    with pytest.raises(WhatifError, match="HOTLINE_ENGINE=spark.*HOTLINE_ENGINE=duckdb"):
        run_whatif(tmp_path / "warehouse.duckdb", tmp_path / "output", tmp_path / "draft.yaml", ["2021-02"])
    assert not (tmp_path / "output").exists()
