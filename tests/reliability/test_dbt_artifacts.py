"""Issue 11.5: dbt's per-run artifacts live under DAGSTER_HOME, the newest N kept, none in the
checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.models.dbt_artifacts import ARTIFACTS_FOLDER, DEFAULT_KEEP, new_target_path, prune
from pipelines.settings import DBT_PROJECT_DIR
from tests.support.pipeline_run import PipelineRun

# slow: shares the two-month pipeline run (make test-fast leaves it out)
pytestmark = pytest.mark.slow


def test_a_runs_dbt_artifacts_are_under_the_dagster_home_not_in_the_checkout(two_months: PipelineRun):
    folders = [path for path in (two_months.dagster_home / ARTIFACTS_FOLDER).iterdir() if path.is_dir()]
    # one `dbt build` per run of the session (two months, and a re-run when the re-run test came
    # first), each with its run results, never more than the kept number
    assert 2 <= len(folders) <= DEFAULT_KEEP
    assert all((folder / "run_results.json").is_file() for folder in folders)
    assert all(folder.name.startswith("dbt_models-") for folder in folders)
    assert not list((DBT_PROJECT_DIR / "target").glob("dbt_models-*"))


def make_folders(root: Path, names: list[str]) -> None:
    for age, name in enumerate(names):
        folder = root / name
        folder.mkdir(parents=True)
        (folder / "run_results.json").write_text("{}", encoding="utf-8")
        # the first name is the newest
        os.utime(folder, (1_700_000_000 + 1000 - age, 1_700_000_000 + 1000 - age))


def test_only_the_newest_runs_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOTLINE_DBT_ARTIFACTS_KEEP", "3")
    root = tmp_path / "home" / ARTIFACTS_FOLDER
    make_folders(root, ["run-e", "run-d", "run-c", "run-b", "run-a"])
    target = new_target_path("dbt_models-new", tmp_path / "home")
    assert target == root / "dbt_models-new"
    # the new one counts: two older ones stay
    assert sorted(path.name for path in root.iterdir()) == ["run-d", "run-e"]
    assert prune(root, 1) == [root / "run-d"]
    with pytest.raises(ValueError, match="HOTLINE_DBT_ARTIFACTS_KEEP"):
        monkeypatch.setenv("HOTLINE_DBT_ARTIFACTS_KEEP", "0")
        new_target_path("x", tmp_path / "home")
