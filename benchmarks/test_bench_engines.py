"""The same month on DuckDB and on Spark: wall time and peak memory of `hotline run` (whole tree).

Run by `make bench-engines` only (needs `make setup-spark`; minutes per month on Spark).
`BENCH_ENGINE_SCALES` (default "1,10") lists the demo scales (1 ≈ 71k orders), `BENCH_ENGINE_LIST`
(default "duckdb,spark") the engines; `BENCH_ENGINE_DIR` (default a temporary folder) keeps the
landing folder of each scale and each engine's run, so engines measured in separate invocations
are still compared: when both engines have run a scale, their bulletins must be equal. Each run
starts from a fresh warehouse, lake and instance. Results (with the machine's load average before
and after, and Spark's master and driver memory) are printed and appended to
`benchmarks/results.jsonl`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from benchmarks.process_tree import measure_tree
from pipelines.demo.generator import generate_month

MONTH = "2021-03"
SCALES = [float(s) for s in os.environ.get("BENCH_ENGINE_SCALES", "1,10").split(",") if s.strip()]
ENGINES = [e.strip() for e in os.environ.get("BENCH_ENGINE_LIST", "duckdb,spark").split(",") if e.strip()]
HOTLINE = Path(sys.executable).parent / "hotline"
RESULTS = Path(__file__).with_name("results.jsonl")

pytestmark = pytest.mark.skipif(
    os.environ.get("BENCH_ENGINES") != "1", reason="engine benchmark: `make bench-engines`"
)


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("BENCH_ENGINE_DIR", "").strip()
    return Path(chosen).resolve() if chosen else tmp_path_factory.mktemp("engines")


def record(**figures: object) -> None:
    line = {"benchmark": "engine_month", "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures}
    print(json.dumps(line, ensure_ascii=False))
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def landing_for(bench_dir: Path, scale: float) -> tuple[Path, int]:
    """The scale's landing folder (generated once) and its number of orders."""
    landing = bench_dir / f"landing-{scale:g}"
    marker = landing / "orders.count"
    if not marker.exists():
        summary = generate_month(MONTH, landing, scale=scale)
        marker.write_text(str(summary.row_counts["orders"]))
    return landing, int(marker.read_text())


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("scale", SCALES)
def test_one_month_on_an_engine(scale: float, engine: str, bench_dir: Path):
    landing, orders = landing_for(bench_dir, scale)
    root = bench_dir / f"scale-{scale:g}" / engine
    shutil.rmtree(root, ignore_errors=True)
    env = {
        **os.environ,
        "HOTLINE_ENGINE": engine,
        "HOTLINE_LANDING": str(landing),
        "HOTLINE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "HOTLINE_LAKE": str(root / "lake"),
        "HOTLINE_OUTPUT": str(root / "output"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "HOTLINE_PHONE_SALT": "engine-benchmark",
    }
    load_before = os.getloadavg()
    done = measure_tree([str(HOTLINE), "run", "--month", MONTH], env)
    assert done.returncode == 0, done.output[-4000:]
    spark = (
        {
            "spark_master": env.get("HOTLINE_SPARK_MASTER", "local[2]"),
            "spark_driver_memory": env.get("HOTLINE_SPARK_DRIVER_MEMORY", "1g"),
        }
        if engine == "spark"
        else {}
    )
    record(
        engine=engine,
        scale=scale,
        orders=orders,
        seconds=round(done.seconds, 1),
        peak_rss_mb=round(done.peak_rss_mb),
        # the machine is shared: the 1-minute load average before and after, and the 15-minute after
        load_1m_before=round(load_before[0], 2),
        load_1m_after=round(os.getloadavg()[0], 2),
        load_15m_after=round(os.getloadavg()[2], 2),
        cpus=os.cpu_count(),
        **spark,
    )
    bulletins = {
        other: path.read_bytes()
        for other in ("duckdb", "spark")
        if (path := bench_dir / f"scale-{scale:g}" / other / "output" / MONTH / "bulletin.json").exists()
    }
    if len(bulletins) == 2:
        assert bulletins["spark"] == bulletins["duckdb"]
