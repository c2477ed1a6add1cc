"""Write docs/benchmarks.md from the measured cases in benchmarks/results/ (never by hand)."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
#: measured cases (one JSON file each) and the report; BENCH_RESULTS / BENCH_REPORT move them (a trial run)
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS") or Path(__file__).with_name("results"))
REPORT = Path(os.environ.get("BENCH_REPORT") or PROJECT / "docs" / "benchmarks.md")
STAGES = ("start-up", "load", "validate", "dbt", "bulletin", "shut-down")

#: the targets of issue 10 (2 cores, 24 GB)
SCALE_1_SECONDS, SCALE_1_RATIO = 30, 6
PROVINCE_SECONDS, PROVINCE_PEAK_MB, PROVINCE_RATIO = 300, 6 * 1024, 5
HISTORY_TOLERANCE = 0.10
BACKFILL_SECONDS = 360
MAX_EXPONENT = 1.1


def machine() -> str:
    cpu = "unknown CPU"
    meminfo = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            meminfo[key] = int(value.split()[0])
    except OSError:
        pass
    memory = f"{meminfo.get('MemTotal', 0) / 2**20:.0f} GB" if meminfo else "unknown memory"
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, {system}"


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load(name: str) -> dict | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _mb(value: float) -> str:
    return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"


def render() -> str:
    scales = sorted(
        (r for r in (json.loads(p.read_text(encoding="utf-8")) for p in RESULTS_DIR.glob("scale-*.json"))),
        key=lambda r: r["scale"],
    )
    history = _load("history")
    cases = [*scales, *([history] if history else [])]
    loads = [r["load_average"] for r in cases]
    busiest = max((max(pair) for pair in loads), default=0.0)
    measured_commits = sorted({r.get("commit", "unknown") for r in cases})
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m benchmarks.run`, then `benchmarks/report.py`); do not edit by",
        "hand. The pipeline is `hotline run` through Dagster (every asset and check, dbt build and tests,",
        "the bulletin in every format), in a fresh process on a fresh warehouse; the reference is one",
        "in-process DuckDB pass over the same files computing the core figures (intake, unit indicators,",
        "handling points, ranks: `benchmarks/reference.py`). Peak memory is the resident memory of the",
        "whole process tree (dbt included), sampled every 0.1 s. What the profile says, and what bounds",
        "each figure: docs/performance.md.",
        "",
        f"Machine: {machine()}. Cases measured at commit {', '.join(measured_commits)}; "
        f"report written at commit {_commit()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
    ]
    if busiest > (os.cpu_count() or 1):
        lines += [
            "",
            f"**Measured on a loaded machine**: the 1-minute load average reached {busiest:.1f} on "
            f"{os.cpu_count()} cores during the cases (other jobs were running), so every time is "
            "inflated, and the ratios too: the pipeline (several processes, many small synchronous "
            "writes) suffers more from a loaded machine than the one-process reference. Re-measure on "
            "a quiet machine with `BENCH_FORCE=1 make bench`.",
        ]
    note = os.environ.get("BENCH_NOTE")
    if note:
        lines += ["", note]
    if scales:
        lines += [
            "",
            "## End to end, by size (month 2021-01)",
            "",
            "| scale | orders | pipeline | peak | reference | peak | ratio | measured (load avg) |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in scales:
            lines.append(
                f"| {r['scale']:g} | {r['orders']:,} | {r['pipeline']['seconds']:.1f} s "
                f"| {_mb(r['pipeline']['peak_mb'])} "
                f"| {r['reference']['seconds']:.1f} s | {_mb(r['reference']['peak_mb'])} | ×{r['ratio']:.1f} "
                f"| {r['measured_at']} ({r['load_average'][0]}–{r['load_average'][1]}) |"
            )
        lines += [
            "",
            "### Pipeline stages (seconds / peak memory)",
            "",
            "| scale | " + " | ".join(STAGES) + " | generate the month |",
            "|---:|" + "---:|" * (len(STAGES) + 1),
        ]
        for r in scales:
            cells = [
                f"{r['pipeline']['stages'][s]['seconds']:.1f} s "
                f"/ {_mb(r['pipeline']['stages'][s]['peak_mb'])}"
                for s in STAGES
            ]
            lines.append(
                f"| {r['scale']:g} | "
                + " | ".join(cells)
                + f" | {r['generate']['seconds']:.1f} s / {_mb(r['generate']['peak_mb'])} |"
            )
        lines += [
            "",
            "start-up: process start to the first step (imports, definitions, instance, the run's planned",
            "events); load: the raw assets, rulebook and calendar; validate: the contract checks (SQL over",
            "the month, GX over a bounded batch), quarantine and reconciliation; dbt: `dbt build` of the",
            "month (models and month-scoped tests); bulletin: the checks on the marts (publication gate,",
            "history anomalies), the bulletin in every format and the units' report cards; shut-down: the",
            "last step's end to the process's exit (the alerts after the run).",
        ]
    if history:
        b, m1, m13 = history["backfill"], history["month_1"], history["month_13"]
        lines += [
            "",
            f"## Cost grows with the month, not with history (scale {history['scale']:g})",
            "",
            "| case | month | warehouse before | end to end | peak | dbt stage |",
            "|---|---|---|---:|---:|---:|",
            f"| month 1 | {m1['month']} | empty | {m1['seconds']:.1f} s | {_mb(m1['peak_mb'])} "
            f"| {m1['stages']['dbt']['seconds']:.1f} s |",
            f"| month 13 | {m13['month']} | 12 months (2021) | {m13['seconds']:.1f} s "
            f"| {_mb(m13['peak_mb'])} "
            f"| {m13['stages']['dbt']['seconds']:.1f} s |",
            "",
            "The same files of 2022-01 run on an empty warehouse (its partitions starting at 2022-01) and",
            "after the year's backfill below. Month 1 pays what a new warehouse's first run pays (dbt parses",
            "the whole project: no parse state is kept for it yet).",
            "",
            f"## A year's backfill: `hotline run --from 2021-01 --to 2021-12` (scale {history['scale']:g})",
            "",
            f"{b['months']} months in one process: {b['seconds']:.1f} s end to end, "
            f"peak {_mb(b['peak_mb'])}. "
            "Each month's run (Dagster run start to end):",
            "",
            "| " + " | ".join(b["run_seconds"]) + " |",
            "|" + "---:|" * len(b["run_seconds"]),
            "| " + " | ".join(f"{s:.1f} s" for s in b["run_seconds"].values()) + " |",
            "",
            "Orders per month: " + ", ".join(f"{m} {n:,}" for m, n in history["orders"].items()) + ".",
        ]
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    by_scale = {r["scale"]: r for r in scales}
    if 1.0 in by_scale:
        r = by_scale[1.0]
        lines.append(
            f"| scale 1 end to end ≤ {SCALE_1_SECONDS} s | {r['pipeline']['seconds']:.1f} s "
            f"| {_verdict(r['pipeline']['seconds'] <= SCALE_1_SECONDS)} |"
        )
        lines.append(
            f"| scale 1 ≤ {SCALE_1_RATIO}× the reference | ×{r['ratio']:.1f} "
            f"| {_verdict(r['ratio'] <= SCALE_1_RATIO)} |"
        )
    if 140.0 in by_scale:
        r = by_scale[140.0]
        lines.append(
            f"| 10M orders end to end ≤ {PROVINCE_SECONDS} s | {r['pipeline']['seconds']:.1f} s "
            f"| {_verdict(r['pipeline']['seconds'] <= PROVINCE_SECONDS)} |"
        )
        lines.append(
            f"| 10M orders peak ≤ 6 GB | {_mb(r['pipeline']['peak_mb'])} "
            f"| {_verdict(r['pipeline']['peak_mb'] <= PROVINCE_PEAK_MB)} |"
        )
        lines.append(
            f"| 10M orders ≤ {PROVINCE_RATIO}× the reference | ×{r['ratio']:.1f} "
            f"| {_verdict(r['ratio'] <= PROVINCE_RATIO)} |"
        )
    if history:
        m1, m13 = history["month_1"]["seconds"], history["month_13"]["seconds"]
        change = m13 / m1 - 1
        # "history must not make month 13 slower": a faster month 13 meets it (month 1 pays dbt's
        # first parse on a new warehouse); docs/performance.md
        lines.append(
            f"| month 13 at most 10 % slower than month 1 | {change:+.1%} "
            f"| {_verdict(m13 <= m1 * (1 + HISTORY_TOLERANCE))} |"
        )
        lines.append(
            f"| twelve months' backfill ≤ {BACKFILL_SECONDS} s | {history['backfill']['seconds']:.1f} s "
            f"| {_verdict(history['backfill']['seconds'] <= BACKFILL_SECONDS)} |"
        )
    if 10.0 in by_scale and 140.0 in by_scale:
        small, large = by_scale[10.0], by_scale[140.0]
        exponent = math.log(large["pipeline"]["seconds"] / small["pipeline"]["seconds"]) / math.log(
            large["orders"] / small["orders"]
        )
        lines.append(
            f"| cost linear in orders: exponent between scale 10 and 140 ≤ {MAX_EXPONENT} "
            f"| {exponent:.2f} | {_verdict(exponent <= MAX_EXPONENT)} |"
        )
    missing = [f"scale {s:g}" for s in (1.0, 10.0, 140.0) if s not in by_scale]
    if history is None:
        missing.append("history (backfill, month 1 against month 13)")
    if missing:
        lines += [
            "",
            f"**Not measured yet**: {', '.join(missing)}; their targets have no verdict above. "
            "`make bench` measures what is missing and keeps what is here.",
        ]
    lines += [
        "",
        "Re-run: `make bench` (all cases; those already in `benchmarks/results/` are kept, `BENCH_FORCE=1`",
        "re-measures), or a part: `BENCH_SCALES=1,10 BENCH_CASES=scale make bench`.",
        "",
    ]
    return "\n".join(lines)


#: sections of the report written by other benchmarks (`make bench-engines`): kept as they are
KEPT_SECTIONS = ("## Engines",)


def kept_tail(text: str) -> str:
    """The existing report from the first kept section on ("" when there is none)."""
    starts = [text.find(f"\n{heading}") for heading in KEPT_SECTIONS]
    found = [start for start in starts if start >= 0]
    return text[min(found) + 1 :] if found else ""


def write_report() -> Path:
    tail = kept_tail(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else ""
    REPORT.write_text(render() + ("\n" + tail if tail else ""), encoding="utf-8")
    return REPORT


if __name__ == "__main__":
    print(write_report())
