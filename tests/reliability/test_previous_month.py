"""Issue 11.6: a month whose province change reads M−1 waits for or refuses without M−1 when M−1
has a landing folder, and warns otherwise. The end-to-end case (two runs started in the wrong
order) is the session pipeline itself: tests/support/pipeline_run.py starts 2021-02 first."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.previous_month import PreviousMonthMissing, mark_active, require_previous_month
from pipelines.raw_tables import ensure_raw_tables
from pipelines.settings import Settings
from tests.support.pipeline_run import WAITING_FOR_JANUARY, PipelineRun

# slow: shares the two-month pipeline run (make test-fast leaves it out)
pytestmark = pytest.mark.slow


def settings_in(root: Path) -> Settings:
    return replace(
        Settings.from_env(),
        landing_dir=root / "landing",
        warehouse_path=root / "warehouse.duckdb",
        dagster_home=root / "home",
    )


def warehouse_with_orders_of(path: Path, month: str | None) -> None:
    con = duckdb.connect(str(path))
    try:
        ensure_raw_tables(con)
        if month:
            con.execute("insert into raw.orders (month, order_id) values (?, 'GD1')", [month])
    finally:
        con.close()


def test_refused_when_the_previous_landing_folder_exists_but_it_was_never_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    settings = settings_in(tmp_path)
    (settings.landing_dir / "2021-01").mkdir(parents=True)
    warehouse_with_orders_of(settings.warehouse_path, None)
    heard: list[str] = []
    with pytest.raises(PreviousMonthMissing) as refused:
        require_previous_month(settings, "2021-02", heard.append, grace=0)
    message = str(refused.value)
    assert str(settings.landing_dir / "2021-01") in message
    assert "Fix: run `hotline run --month 2021-01` first" in message
    assert heard == []


def test_waits_while_a_run_of_the_previous_month_is_in_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    settings = settings_in(tmp_path)
    (settings.landing_dir / "2021-01").mkdir(parents=True)
    warehouse_with_orders_of(settings.warehouse_path, None)
    marker = mark_active(settings.dagster_home, "2021-01")  # this process "runs" January
    heard: list[str] = []
    try:
        with pytest.raises(PreviousMonthMissing):
            require_previous_month(settings, "2021-02", heard.append, grace=0, wait=3)
    finally:
        marker.unlink()
    assert len(heard) == 1 and "waiting for its run to load it" in heard[0]


def test_goes_on_when_the_previous_month_is_in_the_warehouse(tmp_path: Path):
    settings = settings_in(tmp_path)
    (settings.landing_dir / "2021-01").mkdir(parents=True)
    warehouse_with_orders_of(settings.warehouse_path, "2021-01")
    heard: list[str] = []
    found = require_previous_month(settings, "2021-02", heard.append, grace=0)
    assert found.loaded and heard == []


def test_warns_when_the_previous_month_has_neither_rows_nor_a_landing_folder(tmp_path: Path):
    settings = settings_in(tmp_path)
    warehouse_with_orders_of(settings.warehouse_path, "2020-12")
    heard: list[str] = []
    found = require_previous_month(settings, "2021-03", heard.append, grace=0)
    assert not found.loaded and not found.landing_exists
    assert heard == [
        "2021-02 is not in the warehouse and has no landing folder: the bulletin of 2021-03 says there "
        "is no comparison with 2021-02 (province orders)."
    ]


def test_february_started_before_january_waited_and_compares_with_january(two_months: PipelineRun):
    """Two `hotline run` started in the wrong order (the session pipeline): February waited for
    January, and its province change is computed against January's orders."""
    assert two_months.outputs["2021-02"].returncode == 0, two_months.outputs["2021-02"].stdout
    assert WAITING_FOR_JANUARY in two_months.outputs["2021-02"].stdout
    con = duckdb.connect(str(two_months.warehouse), read_only=True)
    try:
        january = con.execute(
            "select count(*) from raw.orders where month = '2021-01' and handling = '交办' "
            "and dispatch_level = '省派' and source_row not in "
            "(select source_row from raw.quarantine where input = 'orders' and month = '2021-01')"
        ).fetchone()[0]
        previous_count, count = con.execute(
            "select previous_count, \"count\" from marts.fct_province_summary where month = '2021-02'"
        ).fetchone()
    finally:
        con.close()
    assert january > 0
    assert previous_count == january
    figures = json.loads((two_months.output / "2021-02" / "bulletin.json").read_text(encoding="utf-8"))
    assert figures["province"]["previous_count"] == january
    assert figures["province"]["count"] == count
