"""The proof that Spark computes what DuckDB computes (`make test-spark`, not `make test`).

The two demo months go through the whole pipeline (`hotline run`: raw assets, validation, dbt
build with its tests and unit tests, the bulletin) once with HOTLINE_ENGINE=duckdb and once with
HOTLINE_ENGINE=spark (dbt-spark, session method, local mode), then a third month from another
landing folder: a small generated month whose orders export has two rows with a broken timestamp
(quarantined: the bulletin's `quarantined_rows` and every figure must still agree). Then every
incremental model (intermediate and marts) is compared row for row, types included, and
bulletin.json byte for byte; the history checks and the end-of-run alerts must judge Spark's marts
as DuckDB's; the dbt unit tests run again on both targets. portable-sql.md: without its rules both
engines passed `dbt build` and still disagreed on figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipelines.demo.generator import generate_month
from pipelines.engines.readers import SparkReader, dbt_command, lake_lock
from pipelines.settings import DBT_PROJECT_DIR
from tests.exports.faults import read_csv, write_csv

MONTHS = ("2021-01", "2021-02")
SCALE = 0.05
#: a month from another landing folder, smaller, with faulty rows (quarantined)
OTHER_MONTH = "2021-03"
OTHER_SCALE = 0.02
#: orders rows whose 受理时间 / 交办时间 is no timestamp: quarantined by the contract
BROKEN_TIMESTAMPS = {"受理时间": "2021-03-32 08:00:00", "交办时间": "2021-13-01 09:00:00"}
ALL_MONTHS = (*MONTHS, OTHER_MONTH)
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


def _other_landing(landing: Path) -> Path:
    """OTHER_MONTH generated small, two orders rows with a broken timestamp (the month's last rows)."""
    generate_month(OTHER_MONTH, landing, scale=OTHER_SCALE)
    orders = landing / OTHER_MONTH / "orders.csv"
    encoding, header, rows = read_csv(orders)
    for offset, (column, value) in enumerate(BROKEN_TIMESTAMPS.items(), start=1):
        rows[-offset][header.index(column)] = value
    write_csv(orders, header, rows, encoding)
    return landing


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
    other = _other_landing(base / "other-landing")
    result = {}
    for engine in ENGINES:  # one after the other: Spark is heavy, the machine is shared
        root = base / engine
        env = _env(engine, root, landing)
        outputs = {}
        for month, month_env in [*((m, env) for m in MONTHS), (OTHER_MONTH, _env(engine, root, other))]:
            started = time.monotonic()
            outputs[month] = subprocess.run(
                [str(HOTLINE), "run", "--month", month],
                env=month_env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_SECONDS,
                check=False,
            )
            print(f"{engine} {month}: hotline run {time.monotonic() - started:.0f} s")
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
    fetched = cursor.fetchall()  # before the next execute on the connection replaces the result
    order = sorted(columns)
    types = dict(con.execute(f"select column_name, column_type from (describe {relation})").fetchall())
    rows = [tuple(_normalized(row[columns.index(c)]) for c in order) for row in fetched]
    return {c: types[c] for c in order}, sorted(rows, key=repr)


def test_both_engines_run_both_months(runs: dict[str, EngineRun]):
    for engine, run in runs.items():
        for month, done in run.outputs.items():
            assert done.returncode == 0, f"{engine} {month}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            assert (run.root / "output" / month / "bulletin.json").exists()


@pytest.mark.parametrize("month", ALL_MONTHS)
def test_bulletin_json_is_byte_for_byte_equal(runs: dict[str, EngineRun], month: str):
    duck, spark = runs["duckdb"].bulletin_bytes(month), runs["spark"].bulletin_bytes(month)
    assert json.loads(spark)["month"] == month
    assert spark == duck


def test_the_other_landing_folders_broken_rows_are_quarantined_on_both(runs: dict[str, EngineRun]):
    for run in runs.values():
        bulletin = json.loads(run.bulletin_bytes(OTHER_MONTH))
        assert bulletin["quarantined_rows"]["orders"] == len(BROKEN_TIMESTAMPS)
        con = duckdb.connect(str(run.warehouse), read_only=True)
        try:
            rules = con.execute(
                "select rule from raw.quarantine where month = ? and input = 'orders' order by source_row",
                [OTHER_MONTH],
            ).fetchall()
        finally:
            con.close()
        assert len(rules) == len(BROKEN_TIMESTAMPS)
        assert all("is not a timestamp" in rule for (rule,) in rules)


def _latest_history_check(run: EngineRun, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("DAGSTER_HOME", str(run.root / "dagster_home"))
    check_key = dg.AssetCheckKey(dg.AssetKey(["marts", "fct_unit_scores"]), "history_anomalies")
    with dg.DagsterInstance.get() as instance:
        record = instance.event_log_storage.get_latest_asset_check_execution_by_key([check_key])[check_key]
        evaluation = record.event.dagster_event.event_specific_data
    return {"passed": evaluation.passed, **{k: v.value for k, v in evaluation.metadata.items()}}


def test_history_checks_on_spark_judge_sparks_marts(runs: dict[str, EngineRun], monkeypatch):
    """The Spark run's DuckDB file holds no marts: a check reading it would judge nothing."""
    spark_file = duckdb.connect(str(runs["spark"].warehouse), read_only=True)
    try:
        marts = spark_file.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
    finally:
        spark_file.close()
    assert marts == 0
    duck = _latest_history_check(runs["duckdb"], monkeypatch)
    spark = _latest_history_check(runs["spark"], monkeypatch)
    # OTHER_MONTH's units × 4 indicators, each with its history (too short here: not judged)
    assert duck["judged"] + duck["not_judged"] > 0
    assert duck["baseline_months_with_data"] >= 1
    assert spark == duck


@pytest.mark.parametrize("month", ALL_MONTHS)
def test_end_of_run_alerts_are_the_same_on_both(runs: dict[str, EngineRun], month: str):
    lines = {
        engine: [line for line in run.outputs[month].stderr.splitlines() if line.startswith("alerts:")]
        for engine, run in runs.items()
    }
    assert len(lines["duckdb"]) == 1 and "failed" not in lines["duckdb"][0]
    assert lines["spark"] == lines["duckdb"]


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
            assert {row[month_index] for row in duck_rows} == set(ALL_MONTHS), relation
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
    month = json.dumps({"month": ALL_MONTHS[-1]})
    command = dbt_command(engine, "test", "--select", "test_type:unit", "--vars", month)
    command += ["--target-path", str(target_path)]
    with lake_lock(run.lake):
        done = subprocess.run(command, env=run.env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    # every unit test of the project ran (besides them: the on-run-start hook) and passed
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    assert len(unit_tests) == len(manifest["unit_tests"]) >= 10
    assert [r["unique_id"] for r in unit_tests if r["status"] != "pass"] == []
