"""The dbt project as Dagster sees it: one place owns its paths.

The manifest is prepared by `make setup` (`dbt parse`) and by the test session, never at import.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from pipelines.dbt_artifacts import new_target_path
from pipelines.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class HotlineDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, with each invocation's artifacts under DAGSTER_HOME, the newest N
    kept (pipelines/dbt_artifacts.py), instead of a new folder in the checkout per run."""

    def _get_unique_target_path(self, *, context) -> Path:  # dagster-dbt 0.29 (pinned) hook
        default = super()._get_unique_target_path(context=context)
        return new_target_path(default.name)


def build_dbt_resource() -> DbtCliResource:
    return HotlineDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())
