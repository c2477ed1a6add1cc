"""Deterministic demo landing data for one month: `generate_month("2021-02", Path("data/landing"))`.

Writes, in the format of contract.md:

    <out>/units.csv                         (if absent) the Lianyungang member units, UTF-8
    <out>/<YYYY-MM>/orders.csv | .parquet   GB18030 CSV with Chinese headers at scale <= 1, else parquet
    <out>/<YYYY-MM>/inspections.csv         UTF-8, English header
    <out>/<YYYY-MM>/test_calls.csv          UTF-8 with BOM (an Excel "CSV UTF-8" export), Chinese header
    <out>/<YYYY-MM>/knowledge_tasks.csv     UTF-8, English header
    <out>/<YYYY-MM>/county_records.csv | .parquet
    <out>/<YYYY-MM>/interface_probes.csv    UTF-8, English header
    <out>/<YYYY-MM>/county_assessments.xlsx Chinese header, byte-stable
    <out>/<YYYY-MM>/appeals.csv             UTF-8, Chinese header: a few upheld, rejected, pending

The units are always the reference ones (pipelines/demo/units_lianyungang.csv); an existing
`<out>/units.csv` is left alone. Each month is generated on its own: the carried-over rows of M are
not the open rows of the generated M-1 (their ids carry the month they were received in).

Memory stays bounded whatever the scale (10 million orders at scale ~140 included): the month is
first reduced to a *plan*, a (days + 1) x (2 x units + 1) matrix of order counts, which is all that
is ever held for the whole month. Orders are then made block by block (one day of the month, split
into blocks of at most volumes.BLOCK_ROWS rows) and each block is handed to a streaming writer and
dropped: the CSV writer appends it, the parquet writer buffers at most `chunk_rows` rows and writes
them as one row group (pyarrow ParquetWriter). The month's figures and the small sample of order ids
the inspections point at are accumulated as counters while the blocks pass. County records stream
the same way. Peak memory is therefore about one block plus one row group, not the month.

Determinism: every random draw comes from a numpy Generator seeded by (seed, year, month, stream,
block), so the same (month, scale, seed) gives byte-identical files; the parquet row-group size
changes the file layout but not its rows.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.contract import (
    APPEALS,
    COUNTY_ASSESSMENTS,
    COUNTY_RECORDS,
    INSPECTIONS,
    INTERFACE_PROBES,
    KNOWLEDGE_TASKS,
    ORDERS,
    TEST_CALLS,
)
from pipelines.demo import reference as ref
from pipelines.demo import side_tables
from pipelines.demo.appeals import AppealCandidates, appeals
from pipelines.demo.county_records import record_blocks
from pipelines.demo.figures import MonthFigures
from pipelines.demo.orders import OrderContext, generate_block
from pipelines.demo.volumes import STREAM_SIDE_TABLES, month_factor, plan_month, rng_for
from pipelines.demo.workdays import Month
from pipelines.demo.writers import DEFAULT_CHUNK_ROWS, open_writer, write_csv, write_xlsx

#: largest scale still written as CSV (the real month is scale 1); above it, parquet
CSV_MAX_SCALE = 1.0


@dataclass
class GenerationSummary:
    month: str
    scale: float
    seed: int
    out_dir: Path
    #: input name -> file written
    paths: dict[str, Path] = field(default_factory=dict)
    #: input name -> data rows written
    row_counts: dict[str, int] = field(default_factory=dict)
    #: the month's figures as rules.md computes them from the generated rows (figures.MonthFigures)
    figures: dict[str, Any] = field(default_factory=dict)
    #: True when units.csv was already there and left alone
    units_existed: bool = False

    def to_json(self) -> str:
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        data["paths"] = {k: str(v) for k, v in self.paths.items()}
        return json.dumps(data, ensure_ascii=False, indent=2)


def big_format(scale: float, requested: str | None) -> str:
    if requested is not None:
        if requested not in ("csv", "parquet"):
            raise ValueError(f"format must be csv or parquet, got {requested!r}")
        return requested
    return "csv" if scale <= CSV_MAX_SCALE else "parquet"


def generate_month(
    month: str,
    out_dir: Path,
    scale: float = 1.0,
    seed: int = 12345,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    big_table_format: str | None = None,
) -> GenerationSummary:
    """Write the landing files of `month` under `out_dir` (see the module docstring).

    `big_table_format` forces `csv` or `parquet` for orders and county_records (default: by scale);
    `chunk_rows` is the parquet row-group size. Existing files of the month are overwritten.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    m = Month.parse(month)
    out_dir = Path(out_dir)
    month_dir = out_dir / m.key
    month_dir.mkdir(parents=True, exist_ok=True)
    summary = GenerationSummary(month=m.key, scale=scale, seed=seed, out_dir=out_dir)

    units_path = out_dir / "units.csv"
    summary.units_existed = units_path.exists()
    if not summary.units_existed:
        shutil.copyfile(ref.UNITS_CSV, units_path)
    summary.paths["units"] = units_path
    plan = plan_month(m, scale, seed)
    summary.row_counts["units"] = len(plan.units)

    fmt = big_format(scale, big_table_format)
    ctx = OrderContext.build(plan)
    figures = MonthFigures(plan)
    sample = side_tables.OrderSample.for_plan(plan)
    candidates = AppealCandidates()
    unit_codes = np.array([u.code for u in plan.units], dtype=object)

    orders_path = month_dir / f"orders.{fmt}"
    _remove_other(month_dir, "orders", orders_path)
    gb18030 = {
        "encoding": "gb18030",
        "chinese_headers": True,
        "bools": ("是", "否"),
        "lineterminator": "\r\n",
    }
    with open_writer(orders_path, ORDERS, chunk_rows=chunk_rows, **gb18030) as writer:
        for block in plan.blocks():
            rows = generate_block(block, ctx)
            writer.write(rows.columns)
            figures.add(rows)
            candidates.add(rows, unit_codes, m.start, m.cutoff)
            sample.add(rows, rng_for(seed, m, STREAM_SIDE_TABLES, 0, block.slot, block.part))
    summary.paths["orders"], summary.row_counts["orders"] = orders_path, writer.rows

    records_path = month_dir / f"county_records.{fmt}"
    _remove_other(month_dir, "county_records", records_path)
    with open_writer(records_path, COUNTY_RECORDS, chunk_rows=chunk_rows) as writer:
        for columns in record_blocks(plan, ctx.calendar, scale * month_factor(m)):
            writer.write(columns)
    summary.paths["county_records"], summary.row_counts["county_records"] = records_path, writer.rows

    small = (
        (INSPECTIONS, side_tables.inspections(plan, figures.units["orders"], sample), {}),
        (TEST_CALLS, side_tables.test_calls(plan),
         {"encoding": "utf-8-sig", "chinese_headers": True, "bools": ("是", "否")}),
        (KNOWLEDGE_TASKS, side_tables.knowledge_tasks(plan), {}),
        (INTERFACE_PROBES, side_tables.interface_probes(plan), {"bools": ("true", "false")}),
    )  # fmt: skip
    for spec, columns, options in small:
        path = month_dir / f"{spec.name}.csv"
        _remove_other(month_dir, spec.name, path)
        summary.row_counts[spec.name] = write_csv(path, spec, columns, **options)
        summary.paths[spec.name] = path

    path = month_dir / f"{COUNTY_ASSESSMENTS.name}.xlsx"
    _remove_other(month_dir, COUNTY_ASSESSMENTS.name, path)
    stamp = m.start.astype(object)
    summary.row_counts[COUNTY_ASSESSMENTS.name] = write_xlsx(
        path, COUNTY_ASSESSMENTS, side_tables.county_assessments(plan), stamp=stamp
    )
    summary.paths[COUNTY_ASSESSMENTS.name] = path

    path = month_dir / f"{APPEALS.name}.csv"
    _remove_other(month_dir, APPEALS.name, path)
    summary.row_counts[APPEALS.name] = write_csv(
        path, APPEALS, appeals(candidates, m.compact, m.cutoff), chinese_headers=True
    )
    summary.paths[APPEALS.name] = path

    summary.figures = figures.as_dict()
    return summary


def _remove_other(month_dir: Path, name: str, keep: Path) -> None:
    """Drop a previous run's file of the same input in another format (the loader must see one)."""
    for ext in ("csv", "xlsx", "parquet"):
        other = month_dir / f"{name}.{ext}"
        if other != keep and other.exists():
            other.unlink()
