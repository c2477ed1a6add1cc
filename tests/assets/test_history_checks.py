"""The marts' `history_anomalies` asset checks called directly on fifteen hand-made months.

tests/alerts/history_fixture.py (docs/alerts.md's worked example): in 2022-03 灌云县 has 340 orders
against an ordinary-month median of 1,010 (MAD 20, spread max(1.4826 × 20, 10 % × 1,010) = 101,
range 707 … 1,313, score (340 − 1,010) / 101 = −6.6); 东海县's 及时签收率 falls from 100 to 92
(range 97 … 103), its interface uptime from 99.50 to 95.00 (range 96.5 … 102.5). The holiday
months come from the shipped rulebook (config/rulebook.yaml).
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from pipelines.alerts.checks import history_checks
from pipelines.resources import EngineResource
from tests.alerts.history_fixture import EVALUATED, build_history_warehouse
from tests.assets.conftest import hotline_files


@pytest.fixture(autouse=True)
def no_alert_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults of docs/alerts.md: no HOTLINE_ALERT_* from the developer's shell."""
    for name in [n for n in os.environ if n.startswith("HOTLINE_ALERT_")]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history-check")
    build_history_warehouse(root / "warehouse.duckdb")
    return root


def run_check(asset: str, root: Path, month: str = EVALUATED) -> dg.AssetCheckResult:
    check = next(c for c in history_checks if c.check_key.asset_key == dg.AssetKey(asset.split("/")))
    context = dg.build_op_context(partition_key=month, instance=dg.DagsterInstance.ephemeral())
    # the DuckDB engine's reader: the warehouse itself (on Spark the engine's marts, tests/spark)
    engine = EngineResource(
        engine="duckdb",
        dbt_target="duckdb",
        lake_dir=str(root / "lake"),
        warehouse_path=str(root / "warehouse.duckdb"),
    )
    return check(context, engine=engine, files=hotline_files(root))


def test_the_unit_scores_check_warns_with_the_worked_example(history: Path):
    result = run_check("marts/fct_unit_scores", history)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["anomalies"].value == 2
    findings = result.metadata["findings"].value.splitlines()[2:]
    assert findings == [
        "| 灌云县 (LYG0102) | 工单数 | 340 | 707 – 1,313 | 1,010 | -6.6 |",
        # spread floor 1 point: 100 ± 3; score (92 − 100) / 1
        "| 东海县 (LYG0101) | 及时签收率 | 92.00 | 97.00 – 103.00 | 100.00 | -8.0 |",
    ]
    assert result.metadata["baseline_months_with_data"].value == 11  # 2021-03 … 2022-01
    assert result.metadata["holiday"].value == ""


def test_the_county_check_warns_on_the_uptime(history: Path):
    result = run_check("marts/fct_county_data_quality", history)
    assert not result.passed and result.metadata["anomalies"].value == 1
    # uptime 99.50 every ordinary month, 95.00 now: 99.5 ± 3 × 1, score (95 − 99.5) / 1
    assert result.metadata["findings"].value.splitlines()[2:] == [
        "| 东海县 (LYG0101) | 接口稳定性（可用率） | 95.00 | 96.50 – 102.50 | 99.50 | -4.5 |"
    ]


def test_a_month_with_too_little_history_passes_and_says_why(history: Path):
    result = run_check("marts/fct_unit_scores", history, month="2021-04")
    assert result.passed and result.metadata["judged"].value == 0
    assert result.metadata["history"].value.startswith("too little history: 2 of the 6 baseline month(s)")


def test_a_broken_alert_setting_warns_and_never_stops_the_month(history: Path, monkeypatch):
    monkeypatch.setenv("HOTLINE_ALERT_HISTORY_WINDOW_MONTHS", "x")
    result = run_check("marts/fct_county_data_quality", history)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.description.startswith("the history check could not run: AlertSettingsError")
