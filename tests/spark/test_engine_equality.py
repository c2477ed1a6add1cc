"""The proof that Spark computes what DuckDB computes (`make test-spark`, not `make test`).

The two demo months go through the whole pipeline (`hotline run`: raw assets, validation, dbt
build with its tests and unit tests, the bulletin) once with HOTLINE_ENGINE=duckdb and once with
HOTLINE_ENGINE=spark (dbt-spark, session method, local mode). Then every incremental model
(intermediate and marts) is compared row for row, types included, and bulletin.json byte for
byte; the dbt unit tests run again on both targets. portable-sql.md: without its rules both
engines passed `dbt build` and still disagreed on figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.demo.generator import generate_month
from pipelines.engines.readers import SparkReader, dbt_command, lake_lock
from pipelines.settings import DBT_PROJECT_DIR

MONTHS = ("2021-01", "2021-02")
SCALE = 0.05
HOTLINE = Path(sys.executable).parent / "hotline"
ENGINES = ("duckdb", "spark")
RUN_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class EngineRun:
    engine: str
    root: Path
    env: dict[str, str]
    outputs: dict[str, subprocess.CompletedProcess]

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    def bulletin_bytes(self, month: str) -> bytes:
        return (self.root / "output" / month / "bulletin.json").read_bytes()


def _env(engine: str, root: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOTLINE_ENGINE": engine,
        "HOTLINE_LANDING": str(landing),
        "HOTLINE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "HOTLINE_LAKE": str(root / "lake"),
        "HOTLINE_OUTPUT": str(root / "output"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        # one salt for both (else each instance draws its own; no figure uses the hash anyway)
        "HOTLINE_PHONE_SALT": "engine-equality-test",
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, EngineRun]:
    base = tmp_path_factory.mktemp("engines")
    landing = base / "landing"
    for month in MONTHS:
        generate_month(month, landing, scale=SCALE)
    result = {}
    for engine in ENGINES:  # one after the other: Spark is heavy, the machine is shared
        root = base / engine
        env = _env(engine, root, landing)
        outputs = {
            month: subprocess.run(
                [str(HOTLINE), "run", "--month", month],
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_SECONDS,
                check=False,
            )
            for month in MONTHS
        }
        result[engine] = EngineRun(engine, root, env, outputs)
    return result


def _incremental_models() -> list[str]:
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def _normalized(value: Any) -> Any:
    """Equal figures compare equal: Decimal('1.50') and Decimal('1.5') alike, ints as Decimals."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    return value


def _table(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[dict[str, str], list[tuple]]:
    cursor = con.execute(f"select * from {relation}")
    columns = [d[0] for d in cursor.description]
    order = sorted(columns)
    types = dict(con.execute(f"select column_name, data_type from (describe {relation})").fetchall())
    rows = [tuple(_normalized(row[columns.index(c)]) for c in order) for row in cursor.fetchall()]
    return {c: types[c] for c in order}, sorted(rows, key=repr)


def test_both_engines_run_both_months(runs: dict[str, EngineRun]):
    for engine, run in runs.items():
        for month, done in run.outputs.items():
            assert done.returncode == 0, f"{engine} {month}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            assert (run.root / "output" / month / "bulletin.json").exists()


@pytest.mark.parametrize("month", MONTHS)
def test_bulletin_json_is_byte_for_byte_equal(runs: dict[str, EngineRun], month: str):
    duck, spark = runs["duckdb"].bulletin_bytes(month), runs["spark"].bulletin_bytes(month)
    assert json.loads(spark)["month"] == month
    assert spark == duck


def test_every_model_is_equal_row_for_row(runs: dict[str, EngineRun]):
    models = _incremental_models()
    assert "marts.fct_unit_scores" in models and "intermediate.int_order_flags" in models
    spark_run = runs["spark"]
    reader = SparkReader(dbt_target="spark", lake_dir=spark_run.lake)
    os.environ["HOTLINE_LAKE"] = str(spark_run.lake)
    spark = reader.load({relation: f"select * from {relation}" for relation in models})
    duck = duckdb.connect(str(runs["duckdb"].warehouse), read_only=True)
    try:
        compared = 0
        for relation in models:
            duck_types, duck_rows = _table(duck, relation)
            spark_types, spark_rows = _table(spark, relation)
            assert spark_types == duck_types, relation
            month_index = sorted(duck_types).index("month")
            assert {row[month_index] for row in duck_rows} == set(MONTHS), relation
            assert spark_rows == duck_rows, relation
            compared += len(duck_rows)
        assert compared > 1000
    finally:
        duck.close()
        spark.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_dbt_unit_tests_pass_on_both_engines(runs: dict[str, EngineRun], engine: str):
    run = runs[engine]
    target_path = run.root / "dbt-unit-target"
    month = json.dumps({"month": MONTHS[-1]})
    command = dbt_command(engine, "test", "--select", "test_type:unit", "--vars", month)
    command += ["--target-path", str(target_path)]
    with lake_lock(run.lake):
        done = subprocess.run(command, env=run.env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert results and all(r["status"] == "pass" for r in results)
    assert all(r["unique_id"].startswith("unit_test.") for r in results)
