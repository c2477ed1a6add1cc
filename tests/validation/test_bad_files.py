"""Files that cannot be read, and a month whose orders are unusable, through Dagster."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.ingest.assets import raw_assets
from pipelines.validation.assets import quarantine
from pipelines.validation.checks import contract_checks
from tests.validation.conftest import (
    check_evaluations,
    failure_messages,
    make_settings,
    materialize,
)
from tests.validation.corpus import FILE_CASES, ORDERS, UNITS, write_table

# slow: materializes the ingest and validation assets (make test-fast leaves it out)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]
MONTH = "2021-03"
UNITS_KEY, ORDERS_KEY = dg.AssetKey(["raw", "units"]), dg.AssetKey(["raw", "orders"])


def test_unreadable_files_fail_their_load_naming_the_file_the_problem_and_the_fix(tmp_path: Path):
    settings = make_settings(tmp_path)
    write_table(settings.landing_dir / "units.csv", UNITS.columns, UNITS.rows(), "csv")
    paths = {}
    for case in FILE_CASES:
        path = settings.landing_dir / MONTH / case.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(path)
        paths[case.input] = path

    result = materialize(settings, MONTH, raw_assets)

    messages = failure_messages(result)
    assert set(messages) == {f"raw__{case.input}" for case in FILE_CASES}
    for case in FILE_CASES:
        message = messages[f"raw__{case.input}"]
        assert message.startswith(f"{paths[case.input]}: "), (case.name, message)
        assert case.problem in message, (case.name, message)
        assert ". Fix: " in message, (case.name, message)
    assert [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()] == ["raw/units"]


def test_orders_without_an_accepted_row_block_the_month(tmp_path: Path):
    """Every order breaks a rule: the orders check fails with ERROR and nothing downstream runs."""
    settings = make_settings(tmp_path)
    write_table(settings.landing_dir / "units.csv", UNITS.columns, UNITS.rows(), "csv")
    bad_orders = [ORDERS.rows()[case_index] for case_index in (5, 13, 18)]  # no id, no handling, unknown unit
    write_table(settings.landing_dir / MONTH / "orders.csv", ORDERS.columns, bad_orders, "csv")

    wanted = {UNITS_KEY, ORDERS_KEY}
    assets = [a for a in raw_assets if set(a.keys) & wanted]
    checks = [c for c in contract_checks if {k.asset_key for k in c.check_keys} & wanted]
    result = materialize(settings, MONTH, [*assets, *checks, quarantine])

    check = check_evaluations(result)["raw/orders:contract"]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert check.description.startswith("no accepted row of orders (3 read, 3 quarantined)")
    started = {e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_START}
    assert "raw__quarantine" not in started
    assert "blocking asset check failed" in failure_messages(result)["raw__orders_contract"]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "raw/quarantine" not in materialized and "raw/orders" in materialized
    assert check_evaluations(result)["raw/units:contract"].severity == dg.AssetCheckSeverity.WARN
