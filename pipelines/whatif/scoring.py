"""Score months already loaded with a draft rulebook, in a scratch copy of the warehouse.

`run_whatif(warehouse, output, draft, months)`:

1. validates the draft like the real rulebook (pipelines/rulebook: a RulebookError names the file,
   the version and the field) and finds the version in force for each month;
2. copies the warehouse file, under its writer lock, to a scratch file beside it (deleted at the
   end): the published marts and files are never written;
3. per month, reads the published scores and ranks from the copy, writes the draft's version into
   the copy's `raw.rulebook_*` rows of the month, runs the dbt models on the copy
   (`HOTLINE_WAREHOUSE` = the copy, its own target folder) and reads the draft's scores and ranks;
4. writes `<output>/whatif/<draft name>/<YYYY-MM>.json` (every ranked unit), `.md` and `.xlsx`
   (the units whose rank moves) through report.py.

Scores are `fct_unit_scores.total` rounded once (rules.md); ranks are the marts' competition ranks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.bulletin.formatting import json_number
from pipelines.contract import RANKED_GROUPS
from pipelines.models.project import dbt_executable
from pipelines.partitions import validate_month
from pipelines.rulebook.loader import RulebookError, load_rulebook, version_for_month
from pipelines.rulebook.warehouse import write_rulebook_for_month
from pipelines.settings import DBT_PROJECT_DIR, engine_from_env
from pipelines.warehouse import warehouse_lock

WHATIF_DIR = "whatif"


class WhatifError(RuntimeError):
    """The trial cannot run: the message names the draft, the month or the warehouse, and the fix."""


@dataclass(frozen=True)
class UnitComparison:
    unit_code: str
    unit_name: str
    group: str
    score: float | None
    rank: int | None
    draft_score: float | None
    draft_rank: int | None

    @property
    def rank_moves(self) -> bool:
        return self.rank != self.draft_rank

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "group": self.group,
            "score": self.score,
            "rank": self.rank,
            "draft_score": self.draft_score,
            "draft_rank": self.draft_rank,
        }


@dataclass
class WhatifMonth:
    month: str
    draft_name: str
    draft_version: str
    published_version: str | None
    units: list[UnitComparison] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def moves(self) -> list[UnitComparison]:
        return [u for u in self.units if u.rank_moves]


def draft_name(draft: Path) -> str:
    """The draft's folder name under `<output>/whatif/`: the file name without its extension."""
    return Path(draft).stem


def validate_draft(draft: Path, months: list[str]) -> dict[str, str]:
    """month → the draft's version in force (effective_from); WhatifError when the draft is invalid."""
    if not Path(draft).is_file():
        raise WhatifError(
            f"{draft}: the draft rulebook does not exist (give the path of a rulebook YAML file)"
        )
    try:
        rulebook = load_rulebook(draft)
        return {month: version_for_month(rulebook, month).effective_from for month in months}
    except RulebookError as exc:
        raise WhatifError(f"the draft rulebook is not valid: {exc}") from exc


def _read_scores(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, dict[str, Any]]:
    rows = con.execute(
        "select unit_code, unit_name, unit_group, total, rank from marts.fct_unit_scores "
        "where month = ? and is_ranked",
        [month],
    ).fetchall()
    return {
        code: {"unit_name": name, "group": group, "score": json_number(total), "rank": rank}
        for code, name, group, total, rank in rows
    }


def _published_version(con: duckdb.DuckDBPyConnection, month: str) -> str | None:
    row = con.execute("select max(version) from raw.rulebook_params where month = ?", [month]).fetchone()
    return row[0] if row else None


def _check_loaded(warehouse: Path, months: list[str]) -> None:
    if not warehouse.is_file():
        raise WhatifError(f"{warehouse}: no warehouse (run `hotline run --month …` for the months first)")
    with warehouse_lock(warehouse):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            loaded = set()
            try:
                for (month,) in con.execute("select distinct month from marts.fct_unit_scores").fetchall():
                    loaded.add(month)
            except duckdb.CatalogException:
                pass
        finally:
            con.close()
    missing = [m for m in months if m not in loaded]
    if missing:
        raise WhatifError(
            f"{warehouse}: month(s) {', '.join(missing)} are not loaded "
            f"(run `hotline run --month {missing[0]}` first; trial scoring re-scores loaded months only)"
        )


def _copy_warehouse(warehouse: Path, scratch: Path) -> None:
    with warehouse_lock(warehouse):
        shutil.copy2(warehouse, scratch)
        wal = warehouse.with_name(warehouse.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, scratch.with_name(scratch.name + ".wal"))


def _dbt_run(scratch: Path, month: str, target: Path) -> None:
    args = [
        dbt_executable(), "run",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(target),
        "--vars", json.dumps({"month": month}),
    ]  # fmt: skip
    env = {**os.environ, "HOTLINE_WAREHOUSE": str(scratch)}
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=DBT_PROJECT_DIR)
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-20:])
        raise WhatifError(f"dbt could not score {month} with the draft (scratch copy {scratch}):\n{tail}")


def _compare(month: str, published: dict[str, dict], drafted: dict[str, dict]) -> list[UnitComparison]:
    units = []
    for code in sorted(set(published) | set(drafted)):
        before, after = published.get(code, {}), drafted.get(code, {})
        info = before or after
        units.append(
            UnitComparison(
                unit_code=code,
                unit_name=info["unit_name"],
                group=info["group"],
                score=before.get("score"),
                rank=before.get("rank"),
                draft_score=after.get("score"),
                draft_rank=after.get("rank"),
            )
        )
    order = {group: i for i, group in enumerate(RANKED_GROUPS)}
    units.sort(key=lambda u: (order.get(u.group, len(order)), u.rank or 10**9, u.unit_code))
    return units


def run_whatif(
    warehouse: Path, output: Path, draft: Path, months: list[str], log: Any = None
) -> list[WhatifMonth]:
    """Score `months` with the draft rulebook and write the comparison files (see the module doc)."""
    from pipelines.whatif.report import write_reports

    if not months:
        raise WhatifError("give at least one --month YYYY-MM")
    engine = engine_from_env()
    if engine != "duckdb":
        # it compares with the published scores in the DuckDB file, which a Spark run does not write
        raise WhatifError(
            f"trial scoring runs on DuckDB only, and HOTLINE_ENGINE={engine}: the published scores are "
            f"on {engine}, not in {warehouse} (which holds none, or an older DuckDB run's). Run it with "
            "HOTLINE_ENGINE=duckdb after `hotline run` of the months on DuckDB (docs/spark.md)"
        )
    for month in months:
        validate_month(month)
    draft = Path(draft).resolve()
    versions = validate_draft(draft, months)
    warehouse = Path(warehouse)
    _check_loaded(warehouse, months)
    name = draft_name(draft)
    results = []
    with tempfile.TemporaryDirectory(prefix=".whatif-", dir=warehouse.parent) as scratch_dir:
        scratch = Path(scratch_dir) / "warehouse.duckdb"
        _copy_warehouse(warehouse, scratch)
        for month in months:
            con = duckdb.connect(str(scratch))
            try:
                published = _read_scores(con, month)
                published_version = _published_version(con, month)
                write_rulebook_for_month(con, month, draft)
            finally:
                con.close()
            if log is not None:
                log(f"{month}: scoring with draft {name} (version {versions[month]}) in {scratch}")
            _dbt_run(scratch, month, Path(scratch_dir) / f"target-{month}")
            con = duckdb.connect(str(scratch), read_only=True)
            try:
                drafted = _read_scores(con, month)
            finally:
                con.close()
            result = WhatifMonth(
                month, name, versions[month], published_version, _compare(month, published, drafted)
            )
            result.files = write_reports(result, Path(output) / WHATIF_DIR / name)
            results.append(result)
    return results
