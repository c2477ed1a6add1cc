"""Spark's inputs: the month's accepted rows as parquet in the lake (pipelines/engines/lake_asset.py).

The bad-row corpus goes through the real lake asset (no JVM: the lake is written from DuckDB):
exactly the accepted rows of each input reach the lake, the quarantine goes with them, the
blocking `accepted_rows` checks hold, personal text is masked to its length.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.contract import INPUTS
from pipelines.engines.lake import LAKE_TABLES, export_month
from pipelines.settings import Settings, engine_from_env
from tests.validation.conftest import CorpusRun, check_evaluations, materialize
from tests.validation.corpus import CORPUS, CORPUS_BY_INPUT, MONTH, PHONE

# a Dagster materialization of the corpus and the lake asset
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake_run(corpus_run: CorpusRun, tmp_path_factory: pytest.TempPathFactory):
    from pipelines.engines.lake_asset import lake
    from pipelines.ingest.assets import rulebook, working_calendar

    root = tmp_path_factory.mktemp("lake")
    shutil.copy(corpus_run.settings.warehouse_path, root / "warehouse.duckdb")
    settings: Settings = replace(
        corpus_run.settings, warehouse_path=root / "warehouse.duckdb", engine="spark",
        dbt_target="spark", lake_dir=root / "lake",
    )
    result = materialize(settings, MONTH, [rulebook, working_calendar, lake])
    return settings, result


def _parquet(lake: Path, table: str, sql: str) -> list[tuple]:
    files = str(lake / "raw" / table / f"month={MONTH}" / "*.parquet")
    con = duckdb.connect()
    try:
        source = f"read_parquet('{files}', hive_partitioning = false)"
        return con.execute(sql.replace("{files}", source)).fetchall()
    finally:
        con.close()


def test_the_lake_asset_writes_every_source_and_its_checks_hold(lake_run):
    settings, result = lake_run
    assert result.success
    written = {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    assert {f"lake/{t}" for t in LAKE_TABLES} <= written
    checks = check_evaluations(result)
    assert {k for k in checks if k.startswith("lake/")} == {
        *(f"lake/{s.name}:accepted_rows" for s in INPUTS), "lake/quarantine:accepted_rows"
    }
    assert all(checks[k].passed for k in checks if k.startswith("lake/"))
    orders = checks["lake/orders:accepted_rows"].metadata
    assert orders["rows_in_lake"].value == len(CORPUS_BY_INPUT["orders"].accepted_rows())


@pytest.mark.parametrize("corpus", CORPUS, ids=lambda c: c.input)
def test_exactly_the_accepted_rows_reach_the_lake(lake_run, corpus):
    settings, _ = lake_run
    rows = _parquet(settings.lake_dir, corpus.input, "select source_row from {files} order by source_row")
    assert [r[0] for r in rows] == corpus.accepted_rows()


def test_the_quarantine_goes_to_the_lake_and_the_month_is_a_folder(lake_run):
    settings, _ = lake_run
    expected = sum(len(c.expected_quarantine()) for c in CORPUS)
    assert _parquet(settings.lake_dir, "quarantine", "select count(*) from {files}") == [(expected,)]
    columns = [r[0] for r in _parquet(settings.lake_dir, "orders", "describe select * from {files}")]
    assert "month" not in columns and "order_id" in columns
    assert (settings.lake_dir / "raw" / "working_calendar" / "part-0.parquet").exists()
    assert (settings.lake_dir / "raw" / "rulebook_params" / f"month={MONTH}" / "part-0.parquet").exists()


def test_personal_text_is_masked_to_its_length(lake_run, corpus_run: CorpusRun):
    settings, _ = lake_run
    lake_texts = _parquet(
        settings.lake_dir, "county_records", "select source_row, content from {files} order by source_row"
    )
    warehouse_lengths = dict(
        corpus_run.query(
            "select source_row, length(content) from raw.county_records where month = ?", [MONTH]
        )
    )
    assert lake_texts
    for source_row, content in lake_texts:
        assert content is None or set(content) == {"*"}
        assert (len(content) if content is not None else None) == warehouse_lengths[source_row]
    every_file = " ".join(
        str(v) for t in LAKE_TABLES if t != "working_calendar"
        for row in _parquet(settings.lake_dir, t, "select * from {files}") for v in row
    )
    assert PHONE not in every_file


def test_a_rerun_replaces_the_month_folder(lake_run):
    settings, _ = lake_run
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        again = export_month(con, settings.lake_dir, MONTH)
    finally:
        con.close()
    assert again["orders"].rows == len(CORPUS_BY_INPUT["orders"].accepted_rows())
    folder = settings.lake_dir / "raw" / "orders"
    assert sorted(p.name for p in folder.iterdir()) == [f"month={MONTH}"]
    assert [p.name for p in (folder / f"month={MONTH}").iterdir()] == ["part-0.parquet"]


def test_the_engine_switch_names_the_allowed_values(monkeypatch):
    monkeypatch.setenv("HOTLINE_ENGINE", "Spark ")
    assert engine_from_env() == "spark"
    monkeypatch.delenv("HOTLINE_ENGINE")
    assert engine_from_env() == "duckdb"
    monkeypatch.setenv("HOTLINE_ENGINE", "postgres")
    message = "HOTLINE_ENGINE='postgres' is not an engine: set it to one of duckdb, spark"
    with pytest.raises(ValueError, match=message):
        engine_from_env()


def test_only_spark_definitions_have_the_lake(monkeypatch):
    from pipelines.definitions import build_definitions

    base = Settings.from_env()
    keys = {k.to_user_string() for k in build_definitions(base).resolve_asset_graph().get_all_asset_keys()}
    assert not any(k.startswith("lake/") for k in keys)
    spark = replace(base, engine="spark", dbt_target="spark")
    graph = build_definitions(spark).resolve_asset_graph()
    assert dg.AssetKey(["lake", "orders"]) in set(graph.get_all_asset_keys())
