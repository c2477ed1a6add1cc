"""Session set-up: the dbt manifest must exist before the Dagster definitions are imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"


def _dbt_sources_mtime() -> float:
    newest = (DBT_PROJECT_DIR / "dbt_project.yml").stat().st_mtime
    for folder in ("models", "macros", "tests"):
        for path in (DBT_PROJECT_DIR / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def prepare_manifest() -> Path:
    """`dbt parse` when the manifest is missing or older than the dbt sources."""
    if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _dbt_sources_mtime():
        return MANIFEST
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--profiles-dir", ".", "--target-path", "target"],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ},
    )
    return MANIFEST


def pytest_configure(config: pytest.Config) -> None:
    prepare_manifest()


# The session's real pipeline over two generated months (tests/pipeline, tests/browser share it).
from tests.support.pipeline_run import two_months  # noqa: E402, F401
