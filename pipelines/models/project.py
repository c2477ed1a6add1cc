"""The dbt project as Dagster sees it: one place owns its paths and its target.

`HOTLINE_ENGINE` (duckdb | spark) selects the dbt target (`HOTLINE_DBT_TARGET` overrides it, e.g.
`spark_thrift` for a cluster). Each engine keeps its own manifest: `target/` for DuckDB (prepared
by `make setup`), `target-spark/` for Spark (prepared by `make setup-spark`, or by
`ensure_manifest()` before a run). Never parsed at import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster import EnvVar
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.core import resource as dbt_resource_module
from filelock import FileLock
from packaging import version
from pydantic import Field

from pipelines.models.dbt_artifacts import new_target_path
from pipelines.settings import DBT_PROJECT_DIR, absolute, dbt_target_from_env, engine_from_env

#: the dbt sources and configuration a manifest is parsed from
DBT_SOURCE_FOLDERS = ("models", "macros", "tests")


def target_path_for(engine: str) -> Path:
    """The dbt target folder (relative to the project) of an engine's manifest."""
    return Path("target") if engine == "duckdb" else Path(f"target-{engine}")


def build_dbt_project(engine: str, target: str) -> DbtProject:
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target=target,
        target_path=target_path_for(engine),
    )


ENGINE = engine_from_env()
dbt_project = build_dbt_project(ENGINE, dbt_target_from_env(ENGINE))


def dbt_executable() -> str:
    """The dbt installed beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class HotlineDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, with each invocation's artifacts under DAGSTER_HOME, the newest N
    kept (pipelines/models/dbt_artifacts.py), instead of a new folder in the checkout per run; and
    dbt's own environment (`cli(..., env=…)`: the warehouse, the lake, the month) given to the dbt
    process only, never written into this process's `os.environ`."""

    dagster_home: str = Field(description="the Dagster instance's folder: dbt artifacts go under it")

    def _get_unique_target_path(self, *, context) -> Path:  # dagster-dbt 0.29 (pinned) hook
        default = super()._get_unique_target_path(context=context)
        return new_target_path(default.name, absolute(self.dagster_home))

    def cli(self, args, *, env: Mapping[str, str] | None = None, **kwargs: Any):  # type: ignore[override]
        """dagster-dbt's `cli`, `env` added to the dbt process's environment.

        dagster-dbt 0.29 (pinned) builds that environment from os.environ inside `cli` and hands it
        to `DbtCliInvocation.run`, which starts the process: the addition is made there, for this
        call only (steps run one at a time in a run's process: pipelines/definitions.py).
        """
        if not env:
            return super().cli(args, **kwargs)
        invocation = dbt_resource_module.DbtCliInvocation
        original = invocation.run

        def run_with_env(*run_args: Any, **run_kwargs: Any):
            run_kwargs["env"] = {**run_kwargs.get("env", {}), **env}
            return original(*run_args, **run_kwargs)

        invocation.run = run_with_env  # type: ignore[method-assign]
        try:
            return super().cli(args, **kwargs)
        finally:
            invocation.run = original  # type: ignore[method-assign]

    @cached_property
    def _cli_version(self) -> version.Version:
        """dbt's version without running `dbt --version` (a second dbt start-up, ≈ 1.5 s a run):
        the dbt beside this Python is the dbt-core package installed here (issue 10)."""
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(installed_version("dbt-core"))
        return DbtCliResource._cli_version.func(self)  # type: ignore[attr-defined]

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        """No in-process dbt adapter (it loads every macro, ≈ 1.5 s a run): dagster-dbt uses it only
        for `fetch_row_counts`/`fetch_column_metadata`, which the project does not call (the month's
        row counts and previews are read by pipelines/models/assets.py after dbt exits)."""
        return None


def build_dbt_resource(engine: str, target: str, dagster_home: str | EnvVar) -> HotlineDbtCliResource:
    """The dbt resource of an engine and target; its artifacts under `dagster_home`."""
    return HotlineDbtCliResource(
        project_dir=build_dbt_project(engine, target),
        dbt_executable=dbt_executable(),
        dagster_home=dagster_home,
    )


def _sources_mtime() -> float:
    newest = (DBT_PROJECT_DIR / "dbt_project.yml").stat().st_mtime
    newest = max(newest, (DBT_PROJECT_DIR / "profiles.yml").stat().st_mtime)
    for folder in DBT_SOURCE_FOLDERS:
        for path in (DBT_PROJECT_DIR / folder).rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def ensure_manifest(engine: str, target: str) -> Path:
    """The engine's manifest, `dbt parse`d first when missing or older than the dbt sources.

    Raises subprocess.CalledProcessError when dbt cannot parse (e.g. the engine's adapter is not
    installed: `pip install -e .[spark]`).
    """
    target_path = target_path_for(engine)
    manifest = DBT_PROJECT_DIR / target_path / "manifest.json"
    with FileLock(str(DBT_PROJECT_DIR / f".{target_path.name}.parse.lock")):
        if not manifest.exists() or manifest.stat().st_mtime < _sources_mtime():
            subprocess.run(
                [dbt_executable(), "parse", "--quiet", "--profiles-dir", ".", "--target", target,
                 "--target-path", str(target_path)],
                cwd=DBT_PROJECT_DIR,
                check=True,
                env={**os.environ},
            )
    return manifest
