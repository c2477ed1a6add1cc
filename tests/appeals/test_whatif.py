"""Trial scoring (试算) of a draft rulebook on the hand-made month, through the Dagster job and the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from pipelines.cli import main
from pipelines.settings import CONFIG_DIR
from tests.appeals.conftest import TwoVersions
from tests.appeals.small_month import MONTH

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]


def _draft(folder: Path, floor: object) -> Path:
    """The real rulebook with only the 2021-01 version's 回访满意率 floor changed."""
    document = yaml.safe_load((CONFIG_DIR / "rulebook.yaml").read_text(encoding="utf-8"))
    first = next(v for v in document["versions"] if str(v["effective_from"]) == "2021-01")
    first["handling_items"]["回访满意率"]["floor"] = floor
    path = folder / f"floor-{floor}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _marts(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select * from marts.fct_unit_scores order by all").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def trial(two_versions: TwoVersions, tmp_path_factory: pytest.TempPathFactory):
    from pipelines.resources import build_resources
    from pipelines.whatif.job import whatif_job

    settings = two_versions.settings
    before = _fingerprint(settings.output_dir / MONTH), _marts(settings.warehouse_path)
    draft = _draft(tmp_path_factory.mktemp("drafts"), 12.5)
    result = whatif_job.execute_in_process(
        run_config={"ops": {"trial_scoring": {"config": {"draft": str(draft), "months": [MONTH]}}}},
        resources=build_resources(settings),
    )
    after = _fingerprint(settings.output_dir / MONTH), _marts(settings.warehouse_path)
    return result, settings.output_dir / "whatif" / draft.stem, before, after


def test_the_floor_moves_exactly_the_units_below_it(trial):
    result, folder, _, _ = trial
    assert result.success
    units = json.loads((folder / f"{MONTH}.json").read_text(encoding="utf-8"))
    # 回访满意率 points 7.5 (C1, C2) and 0 (C4) rise to the floor 12.5; C3's 15 stays
    assert [(u["unit_code"], u["score"], u["rank"], u["draft_score"], u["draft_rank"]) for u in units] == [
        ("C2", 71.5, 1, 76.5, 1),
        ("C1", 66.5, 2, 71.5, 2),
        ("C3", 64.0, 3, 64.0, 4),
        ("C4", 59.0, 4, 71.5, 2),
    ]
    assert set(units[0]) == {"unit_code", "unit_name", "group", "score", "rank", "draft_score", "draft_rank"}
    assert units[0]["group"] == "市级部门及单位" and units[0]["unit_name"] == "市公安局"


def test_markdown_and_xlsx_list_the_units_whose_rank_moves(trial):
    _, folder, _, _ = trial
    text = (folder / f"{MONTH}.md").read_text(encoding="utf-8")
    assert "4家参与排名的单位中，2家名次变化" in text
    assert "| 市级部门及单位 | 市城管局 | 64 | 3 | 64 | 4 | 下降1位 |" in text
    assert "| 市级部门及单位 | 市交通局 | 59 | 4 | 71.5 | 2 | 上升2位 |" in text
    assert "市公安局" not in text and "市住建局" not in text
    rows = list(load_workbook(folder / f"{MONTH}.xlsx").active.iter_rows(values_only=True))
    assert rows[1:] == [
        ("市级部门及单位", "市城管局", 64, 3, 64, 4, "下降1位"),
        ("市级部门及单位", "市交通局", 59, 4, 71.5, 2, "上升2位"),
    ]


def test_published_files_and_marts_are_untouched(trial):
    _, _, before, after = trial
    assert after[0] == before[0]  # byte-identical published files
    assert after[1] == before[1]  # the published marts


def test_an_invalid_draft_is_refused_like_the_rulebook(two_versions: TwoVersions, tmp_path: Path):
    draft = _draft(tmp_path, -1)
    settings = two_versions.settings
    result = CliRunner().invoke(
        main,
        ["whatif", "--rulebook", str(draft), "--month", MONTH,
         "--warehouse", str(settings.warehouse_path), "--output", str(settings.output_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "the draft rulebook is not valid" in result.output and "floor" in result.output
    assert not (settings.output_dir / "whatif" / draft.stem).exists()


def test_a_month_not_loaded_is_refused(two_versions: TwoVersions, tmp_path: Path):
    settings = two_versions.settings
    result = CliRunner().invoke(
        main,
        ["whatif", "--rulebook", str(_draft(tmp_path, 12.5)), "--month", "2021-04",
         "--warehouse", str(settings.warehouse_path), "--output", str(settings.output_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "2021-04 are not loaded" in result.output and "hotline run --month 2021-04" in result.output


def test_whatif_job_is_in_the_definitions():
    from pipelines.definitions import defs

    assert isinstance(defs.get_job_def("whatif"), dg.JobDefinition)
