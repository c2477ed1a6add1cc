"""One real Dagster materialization of the bad-row corpus, shared by the validation tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.settings import CONFIG_DIR, Settings
from tests.validation.corpus import MONTH, write_corpus


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


def materialize(settings: Settings, month: str, definitions: list, **kwargs) -> dg.ExecuteInProcessResult:
    from pipelines.resources import build_resources

    return dg.materialize(
        definitions, partition_key=month, resources=build_resources(settings), raise_on_error=False, **kwargs
    )


def ingest_and_validate() -> list:
    """The raw assets, their contract checks, the quarantine and its reconciliation (no dbt)."""
    from pipelines.ingest.assets import raw_assets
    from pipelines.validation.assets import quarantine
    from pipelines.validation.checks import contract_checks, reconciliation

    return [*raw_assets, quarantine, *contract_checks, reconciliation]


def failure_messages(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """step key → the message of the InputFileError behind its failure (else the innermost error)."""
    messages = {}
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            error, chosen = event.step_failure_data.error, None
            while error is not None:
                chosen = error
                if error.cls_name == "InputFileError":
                    break
                error = error.cause
            message = chosen.message.strip() if chosen else ""
            messages[event.step_key] = message.removeprefix("pipelines.ingest.errors.InputFileError: ")
    return messages


def check_evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """`raw/orders:contract` → its evaluation."""
    return {f"{e.asset_key.to_user_string()}:{e.check_name}": e for e in result.get_asset_check_evaluations()}


@dataclass(frozen=True)
class CorpusRun:
    settings: Settings
    result: dg.ExecuteInProcessResult

    @property
    def checks(self) -> dict[str, dg.AssetCheckEvaluation]:
        return check_evaluations(self.result)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.settings.warehouse_path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    settings = make_settings(tmp_path_factory.mktemp("validation"))
    write_corpus(settings.landing_dir)
    result = materialize(settings, MONTH, ingest_and_validate())
    return CorpusRun(settings, result)
