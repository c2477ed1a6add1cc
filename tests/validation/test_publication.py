"""HOTLINE_MAX_QUARANTINE_SHARE decides whether a month may publish; the bulletin states the counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.bulletin.config import load_settings
from pipelines.bulletin.figures import build_bulletin
from pipelines.bulletin.markdown import render_markdown
from pipelines.partitions import monthly_partitions
from pipelines.raw_tables import ensure_raw_tables
from pipelines.settings import CONFIG_DIR
from pipelines.validation.checks import INTAKE_KEY, quarantine_share
from pipelines.validation.policy import MAX_QUARANTINE_SHARE_ENV, PublicationDecision, max_quarantine_share
from tests.validation.conftest import CorpusRun, check_evaluations, make_settings, materialize
from tests.validation.corpus import MONTH, ORDERS

# slow: materializes assets through Dagster (make test-fast leaves it out)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]


@dg.asset(key=INTAKE_KEY, partitions_def=monthly_partitions)
def stand_in_intake() -> None:
    """Stands for the dbt model (the gate only reads raw.orders and raw.quarantine)."""


@dg.asset(key="bulletin", deps=[INTAKE_KEY], partitions_def=monthly_partitions)
def stand_in_bulletin() -> None:
    """Stands for the bulletin asset downstream of the marts."""


def run_gate(corpus_run: CorpusRun, tmp_path: Path) -> dg.ExecuteInProcessResult:
    settings = make_settings(tmp_path)
    shutil.copy(corpus_run.settings.warehouse_path, settings.warehouse_path)
    return materialize(settings, MONTH, [stand_in_intake, stand_in_bulletin, quarantine_share])


def test_a_share_over_the_threshold_blocks_the_bulletin_naming_the_reason_and_the_count(
    corpus_run: CorpusRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(MAX_QUARANTINE_SHARE_ENV, raising=False)
    result = run_gate(corpus_run, tmp_path)

    check = check_evaluations(result)["marts/fct_intake:quarantine_share"]
    quarantined, read = len(ORDERS.expected_quarantine()), len(ORDERS.cases)
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert check.description.startswith(
        f"{MONTH}: {quarantined} of {read} orders (78.95%) are quarantined, "
        f"over {MAX_QUARANTINE_SHARE_ENV} = 1.00%: the bulletin is not published."
    )
    assert check.metadata["orders_quarantined"].value == quarantined
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"marts/fct_intake"}  # the bulletin did not run


def test_a_higher_threshold_lets_the_month_publish(
    corpus_run: CorpusRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(MAX_QUARANTINE_SHARE_ENV, "90%")
    result = run_gate(corpus_run, tmp_path)
    assert result.success
    assert check_evaluations(result)["marts/fct_intake:quarantine_share"].passed
    assert "bulletin" in {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


@pytest.mark.parametrize(
    ("value", "expected"), [("", 0.01), ("0.02", 0.02), ("2%", 0.02), ("0", 0.0), ("1", 1.0)]
)
def test_threshold_setting(monkeypatch: pytest.MonkeyPatch, value: str, expected: float):
    monkeypatch.setenv(MAX_QUARANTINE_SHARE_ENV, value)
    assert max_quarantine_share() == pytest.approx(expected)


@pytest.mark.parametrize("value", ["abc", "1.5", "-0.1", "150%"])
def test_a_bad_threshold_is_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv(MAX_QUARANTINE_SHARE_ENV, value)
    with pytest.raises(ValueError, match=MAX_QUARANTINE_SHARE_ENV):
        max_quarantine_share()


def test_the_share_is_inclusive_of_the_threshold():
    assert PublicationDecision("2021-02", 1000, 10, 0.01).may_publish
    assert not PublicationDecision("2021-02", 1000, 11, 0.01).may_publish
    assert PublicationDecision("2021-02", 0, 0, 0.0).may_publish


def test_the_bulletin_states_the_quarantined_counts_of_the_quarantine_table(tmp_path: Path):
    """bulletin.json's quarantined_rows and the text of 二.1, read from raw.quarantine as written here."""
    from tests.bulletin.marts_fixture import MONTH as BULLETIN_MONTH
    from tests.bulletin.marts_fixture import build_warehouse

    path = build_warehouse(tmp_path / "bulletin.duckdb", quarantine=False)
    con = duckdb.connect(str(path))
    try:
        ensure_raw_tables(con)  # raw.quarantine with this project's DDL
        for row, input_name in ((4, "orders"), (9, "orders"), (2, "inspections")):
            con.execute(
                "insert into raw.quarantine values (?, ?, ?, ?, 'order_id.required', '{}')",
                [BULLETIN_MONTH, input_name, f"{input_name}.csv", row],
            )
        bulletin = build_bulletin(con, BULLETIN_MONTH)
    finally:
        con.close()
    assert bulletin["quarantined_rows"]["orders"] == 2
    assert bulletin["quarantined_rows"]["inspections"] == 1
    text = render_markdown(bulletin, load_settings(CONFIG_DIR / "bulletin.yaml"))
    assert "另有 3条报送数据不符合数据规范，已隔离核查，未纳入统计。" in text
