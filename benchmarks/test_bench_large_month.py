"""A province-sized month: 10 million orders generated and loaded with bounded memory.

`BENCH_SCALE` (default 140 ≈ 10M orders) sets the size. Goals (2 cores, 24 GB): generation and
load each within 10 minutes and 2 GB peak memory. Results are printed and appended to
`benchmarks/results.jsonl`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from benchmarks.measure import measure

SCALE = float(os.environ.get("BENCH_SCALE", "140"))
MAX_SECONDS = 600
MAX_PEAK_MB = 2048
RESULTS = Path(__file__).with_name("results.jsonl")


def record(name: str, **figures: object) -> None:
    line = {"benchmark": name, "scale": SCALE, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures}
    print(json.dumps(line, ensure_ascii=False))
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def test_generate_and_load_a_province_sized_month(tmp_path: Path):
    landing = tmp_path / "landing"
    generated = measure(
        "import json; from pathlib import Path; from pipelines.demo.generator import generate_month;"
        f"s = generate_month('2021-03', Path({str(landing)!r}), scale={SCALE});"
        "print(json.dumps({'orders': s.row_counts['orders']}))"
    )
    record("generate", seconds=round(generated.seconds, 1), peak_mb=round(generated.peak_rss_mb),
           orders=generated.result["orders"])

    warehouse = tmp_path / "warehouse.duckdb"
    loaded = measure(
        "import json; from pathlib import Path; import duckdb;"
        "from pipelines.contract import ORDERS;"
        "from pipelines.ingest import find_input_file, load_month_input;"
        f"landing = Path({str(landing)!r}); con = duckdb.connect({str(warehouse)!r});"
        "s = load_month_input(con, ORDERS, find_input_file(landing, '2021-03', ORDERS), '2021-03', 'salt');"
        "print(json.dumps({'rows': s.rows_read, 'errors': s.rows_with_load_errors}))"
    )
    record("load_orders", seconds=round(loaded.seconds, 1), peak_mb=round(loaded.peak_rss_mb),
           rows=loaded.result["rows"])

    assert loaded.result["rows"] == generated.result["orders"]
    assert loaded.result["errors"] == 0
    assert generated.seconds < MAX_SECONDS and loaded.seconds < MAX_SECONDS
    assert generated.peak_rss_mb < MAX_PEAK_MB and loaded.peak_rss_mb < MAX_PEAK_MB
