"""The hand-made month of small_month.py through the real pipeline, twice (two published versions).

Run 1 publishes the month with A01 still pending (version 1); run 2, after the center upheld A01,
publishes version 2. Both are `hotline run`'s in-process Dagster job (raw assets, GX suites,
quarantine, dbt build, bulletin) on one warehouse, instance and output folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipelines.runner import RunOutcome, run_month
from pipelines.settings import CONFIG_DIR, Settings
from tests.appeals.small_month import APPEALS_FINAL, APPEALS_FIRST, MONTH, write_appeals, write_month


@dataclass(frozen=True)
class TwoVersions:
    settings: Settings
    first: RunOutcome
    second: RunOutcome
    #: bulletin.json of version 1, read right after run 1
    first_bulletin: dict[str, Any]

    @property
    def month_dir(self) -> Path:
        return self.settings.output_dir / MONTH

    @property
    def bulletin(self) -> dict[str, Any]:
        return json.loads((self.month_dir / "bulletin.json").read_text(encoding="utf-8"))


def make_settings(root: Path) -> Settings:
    return Settings(
        landing_dir=root / "landing",
        warehouse_path=root / "warehouse.duckdb",
        output_dir=root / "output",
        dagster_home=root / "dagster_home",
        rulebook_path=CONFIG_DIR / "rulebook.yaml",
        bulletin_config_path=CONFIG_DIR / "bulletin.yaml",
        phone_salt="test-salt",
    )


@pytest.fixture(scope="session")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> TwoVersions:
    settings = make_settings(tmp_path_factory.mktemp("appeals"))
    write_month(settings.landing_dir)
    write_appeals(settings.landing_dir, APPEALS_FIRST)
    first = run_month(settings, MONTH, log_level="WARNING")
    assert first.success, first.failures
    first_bulletin = json.loads((settings.output_dir / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    write_appeals(settings.landing_dir, APPEALS_FINAL)
    second = run_month(settings, MONTH, log_level="WARNING")
    assert second.success, second.failures
    return TwoVersions(settings, first, second, first_bulletin)
