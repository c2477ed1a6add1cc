"""`make bench`: the whole pipeline against a DuckDB-only reference, at several sizes; writes
docs/benchmarks.md.

Cases (each measured in fresh processes, on fresh folders under BENCH_DIR):

* `scale-<s>` for each s of BENCH_SCALES (default `1,10,140`; 140 ≈ 10 million orders): generate
  2021-01 at that scale, then `hotline run --month 2021-01` (Dagster, every asset and check) and
  `python -m benchmarks.reference` over the same files: wall time and peak memory of each, per
  pipeline stage (from the run's step events in the Dagster instance) and in total, and the ratio.
* `history` (scale 1): `hotline run --from 2021-01 --to 2021-12` (a year's backfill, timed), then
  2022-01 on that warehouse (month 13) and the same 2022-01 files on an empty warehouse (month 1).

Environment: BENCH_SCALES (e.g. `1,10`), BENCH_CASES (`scale,history`), BENCH_HISTORY_SCALE (default 1;
a smaller one to try the case out), BENCH_DIR (default
/tmp/hotline-bench), BENCH_FORCE=1 to re-measure cases already in benchmarks/results/ (otherwise a
measured case is kept: a partial or interrupted run resumes where it stopped), BENCH_NOTE (a line
written under the machine, e.g. "measured while other jobs ran"), BENCH_RESULTS / BENCH_REPORT (where
the results and the report go; default benchmarks/results/ and docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.measure import Measurement, run_measured, run_python
from benchmarks.report import RESULTS_DIR, _commit, write_report

PROJECT = Path(__file__).resolve().parent.parent
HOTLINE = str(Path(sys.executable).parent / "hotline")
MONTH = "2021-01"
HISTORY_MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]
MONTH_13 = "2022-01"


#: stage of a step key (steps run one after another in the run's process)
def stage_of(step_key: str) -> str:
    if step_key == "dbt_models":
        return "dbt"
    # the checks on the marts (publication gate, history anomalies), the bulletin, the unit cards
    if step_key in ("bulletin", "unit_report_cards") or step_key.startswith("marts__"):
        return "bulletin"
    if "contract" in step_key or "quarantine" in step_key:
        return "validate"
    return "load"


STAGES = ("start-up", "load", "validate", "dbt", "bulletin", "shut-down")


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOTLINE_LANDING": str(root / "landing"),
        "HOTLINE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "HOTLINE_OUTPUT": str(root / "output"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "PYTHONUNBUFFERED": "1",
    }


def _fresh(root: Path, keep_landing: bool = True) -> None:
    for name in ("warehouse.duckdb", "warehouse.duckdb.lock", "output", "dagster_home"):
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if not keep_landing:
        shutil.rmtree(root / "landing", ignore_errors=True)


def _generate(root: Path, month: str, scale: float) -> dict:
    measured, result = run_python(
        "import json; from pathlib import Path; from pipelines.demo.generator import generate_month;"
        f"s = generate_month({month!r}, Path({str(root / 'landing')!r}), scale={scale});"
        "print(json.dumps(s.row_counts))"
    )
    return {"seconds": round(measured.seconds, 1), "peak_mb": round(measured.peak_rss_mb), "rows": result}


def _runs(dagster_home: Path) -> list[dict]:
    """Every run recorded in the instance, oldest first: its steps' stages and times (epoch s)."""
    import dagster as dg

    events = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.STEP_SUCCESS,
        dg.DagsterEventType.STEP_FAILURE,
        dg.DagsterEventType.RUN_START,
        dg.DagsterEventType.RUN_SUCCESS,
        dg.DagsterEventType.RUN_FAILURE,
    }
    found = []
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for run in reversed(instance.get_runs()):
            started: dict[str, float] = {}
            steps: list[tuple[str, float, float]] = []
            run_start = run_end = None
            for entry in instance.all_logs(run.run_id, of_type=events):
                kind = entry.dagster_event.event_type
                if kind == dg.DagsterEventType.RUN_START:
                    run_start = entry.timestamp
                elif kind in (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE):
                    run_end = entry.timestamp
                elif kind == dg.DagsterEventType.STEP_START:
                    started[entry.step_key] = entry.timestamp
                elif entry.step_key in started:
                    steps.append((entry.step_key, started[entry.step_key], entry.timestamp))
            found.append(
                {
                    "month": run.tags.get("dagster/partition"),
                    "start": run_start,
                    "end": run_end,
                    "steps": steps,
                    "success": run.is_success,
                }
            )
    return found


def _stages(measured: Measurement, run: dict) -> dict[str, dict[str, float]]:
    """Seconds and peak MB of each stage of one run measured from its process's start."""
    steps = sorted(run["steps"], key=lambda s: s[1])
    windows: dict[str, list[tuple[float, float]]] = {}
    for key, start, end in steps:
        windows.setdefault(stage_of(key), []).append((start, end))
    process_start, process_end = measured.started_at, measured.started_at + measured.seconds
    windows["start-up"] = [(process_start, steps[0][1])]
    windows["shut-down"] = [(steps[-1][2], process_end)]
    stages = {}
    for stage in STAGES:
        spans = windows.get(stage, [])
        stages[stage] = {
            "seconds": round(sum(end - start for start, end in spans), 1),
            "peak_mb": round(max((measured.peak_between(s, e) for s, e in spans), default=0.0)),
        }
    return stages


def _reference(root: Path, month: str) -> dict:
    measured, result = run_python(
        "import json; from pathlib import Path; from benchmarks.reference import compute;"
        f"print(json.dumps(compute(Path({str(root / 'landing')!r}), {month!r})))"
    )
    return {"seconds": round(measured.seconds, 1), "peak_mb": round(measured.peak_rss_mb), "figures": result}


def _hotline_run(root: Path, *args: str, first_month: str | None = None) -> Measurement:
    env = _env(root)
    if first_month is not None:
        env["HOTLINE_FIRST_MONTH"] = first_month
    return run_measured([HOTLINE, "run", *args], env=env, cwd=PROJECT)


def _is_other_month(name: str) -> bool:
    """A month folder of the landing (YYYY-MM) other than month 13's."""
    return len(name) == 7 and name[4] == "-" and name[:4].isdigit() and name != MONTH_13


def measure_scale(scale: float, base: Path) -> dict:
    root = base / f"scale-{scale:g}"
    _fresh(root, keep_landing=False)
    generated = _generate(root, MONTH, scale)
    reference = _reference(root, MONTH)
    pipeline = _hotline_run(root, "--month", MONTH)
    run = _runs(root / "dagster_home")[-1]
    return {
        "case": f"scale-{scale:g}",
        "scale": scale,
        "month": MONTH,
        "orders": generated["rows"]["orders"],
        "generate": generated,
        "reference": reference,
        "pipeline": {
            "seconds": round(pipeline.seconds, 1),
            "peak_mb": round(pipeline.peak_rss_mb),
            "stages": _stages(pipeline, run),
        },
        "ratio": round(pipeline.seconds / reference["seconds"], 2),
    }


def measure_history(base: Path, scale: float = 1.0) -> dict:
    root = base / "history"
    _fresh(root, keep_landing=False)
    orders = {}
    for month in [*HISTORY_MONTHS, MONTH_13]:
        orders[month] = _generate(root, month, scale)["rows"]["orders"]
    backfill = _hotline_run(root, "--from", HISTORY_MONTHS[0], "--to", HISTORY_MONTHS[-1])
    runs = _runs(root / "dagster_home")
    per_month = {r["month"]: round(r["end"] - r["start"], 1) for r in runs if r["start"] and r["end"]}
    month_13 = _hotline_run(root, "--month", MONTH_13)
    stages_13 = _stages(month_13, _runs(root / "dagster_home")[-1])
    # the same files on an empty warehouse: month 1 of a new history. Only 2022-01's folder (and the
    # files beside the month folders) is copied, and the partitions start there (HOTLINE_FIRST_MONTH):
    # M−1 has no landing folder, so the previous-month rule lets the month run alone.
    empty = base / "history-empty"
    _fresh(empty, keep_landing=False)
    shutil.copytree(
        root / "landing",
        empty / "landing",
        ignore=lambda folder, names: [
            n for n in names if folder == str(root / "landing") and _is_other_month(n)
        ],
    )
    month_1 = _hotline_run(empty, "--month", MONTH_13, first_month=MONTH_13)
    stages_1 = _stages(month_1, _runs(empty / "dagster_home")[-1])
    return {
        "case": "history",
        "scale": scale,
        "orders": orders,
        "backfill": {
            "months": len(HISTORY_MONTHS),
            "seconds": round(backfill.seconds, 1),
            "peak_mb": round(backfill.peak_rss_mb),
            "run_seconds": per_month,
        },
        "month_1": {
            "month": MONTH_13,
            "seconds": round(month_1.seconds, 1),
            "peak_mb": round(month_1.peak_rss_mb),
            "stages": stages_1,
        },
        "month_13": {
            "month": MONTH_13,
            "seconds": round(month_13.seconds, 1),
            "peak_mb": round(month_13.peak_rss_mb),
            "stages": stages_13,
        },
    }


def main() -> None:
    base = Path(os.environ.get("BENCH_DIR", "/tmp/hotline-bench"))
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", "1,10,140").split(",") if s.strip()]
    cases = {c.strip() for c in os.environ.get("BENCH_CASES", "scale,history").split(",")}
    force = os.environ.get("BENCH_FORCE") == "1"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    todo: list[tuple[str, object]] = []
    if "scale" in cases:
        todo += [(f"scale-{s:g}", (lambda s=s: measure_scale(s, base))) for s in scales]
    if "history" in cases:
        history_scale = float(os.environ.get("BENCH_HISTORY_SCALE", "1"))
        todo.append(("history", lambda: measure_history(base, history_scale)))
    for name, measure in todo:
        path = RESULTS_DIR / f"{name}.json"
        if path.exists() and not force:
            print(f"{name}: kept from {path} (BENCH_FORCE=1 re-measures)", flush=True)
            continue
        print(f"{name}: measuring …", flush=True)
        load_before = os.getloadavg()[0]
        result = measure()
        result["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        result["commit"] = _commit()
        result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        print(json.dumps(result, ensure_ascii=False)[:2000], flush=True)
        write_report()
    print(f"wrote {write_report()}")


if __name__ == "__main__":
    main()
