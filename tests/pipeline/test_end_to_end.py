"""`hotline run` on two generated months, checked against an independent recomputation."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest

from tests.pipeline.independent import platform_figures, read_orders, read_units
from tests.support.pipeline_run import MONTHS, PipelineRun

# slow: runs whole months through Dagster (make test-fast leaves it out)
pytestmark = pytest.mark.slow


def load_bulletin(run: PipelineRun, month: str) -> dict:
    return json.loads((run.output / month / "bulletin.json").read_text(encoding="utf-8"))


def test_both_months_ran_at_once_and_wrote_their_bulletins(two_months: PipelineRun):
    for month in MONTHS:
        result = two_months.outputs[month]
        assert result.returncode == 0, result.stdout[-4000:]
        assert f"{month}: done" in result.stdout
        assert (two_months.output / month / "bulletin.md").read_text(encoding="utf-8").startswith("2021年第")
        assert load_bulletin(two_months, month)["month"] == month


@pytest.mark.parametrize("month", MONTHS)
def test_intake_figures_match_an_independent_recomputation(two_months: PipelineRun, month: str):
    expected = platform_figures(read_orders(two_months.landing, month), month)
    bulletin = load_bulletin(two_months, month)
    intake = bulletin["intake"]
    for key in (
        "total",
        "received_this_month",
        "carried_over",
        "direct",
        "dispatched",
        "timely_sign_rate",
        "on_time_completion_rate",
        "satisfaction_rate",
    ):
        assert intake[key] == expected[key], key
    assert {c["name"]: (c["count"], c["share"]) for c in bulletin["by_channel"]} == expected["channels"]
    assert {c["name"]: (c["count"], c["share"]) for c in bulletin["by_category"]} == expected["categories"]
    assert bulletin["province"]["count"] == expected["province_count"]
    assert bulletin["province"]["supervision_count"] == expected["supervision_count"]


def test_province_change_against_the_previous_month(two_months: PipelineRun):
    january = platform_figures(read_orders(two_months.landing, "2021-01"), "2021-01")
    february = platform_figures(read_orders(two_months.landing, "2021-02"), "2021-02")
    province = load_bulletin(two_months, "2021-02")["province"]
    assert province["previous_count"] == january["province_count"]
    assert province["change"] == february["province_count"] - january["province_count"]
    assert load_bulletin(two_months, "2021-01")["province"]["previous_count"] is None


def test_rankings_and_unranked_lists_match_the_landing_files(two_months: PipelineRun):
    month = "2021-02"
    figures = platform_figures(read_orders(two_months.landing, month), month)
    units = read_units(two_months.landing)
    ranked = units[units["unit_group"] != "不参与考评"]
    bulletin = load_bulletin(two_months, month)

    for group, rows in bulletin["rankings"].items():
        for row in rows:
            assert row["orders"] == figures["orders_by_unit"][row["unit_code"]], row
        members = ranked[ranked["unit_group"] == group]
        expected_ranked = {
            code for code in members["unit_code"] if figures["due_by_unit"].get(code, 0) > 0
        }
        assert {row["unit_code"] for row in rows} == expected_ranked
    names = dict(zip(units["unit_code"], units["unit_name"], strict=True))
    no_orders = sorted(c for c in ranked["unit_code"] if c not in figures["orders_by_unit"])
    no_due = sorted(
        c for c in ranked["unit_code"] if c in figures["orders_by_unit"] and c not in figures["due_by_unit"]
    )
    assert bulletin["unranked"]["no_orders"] == [names[c] for c in no_orders]
    assert bulletin["unranked"]["no_due_orders"] == [names[c] for c in no_due]


def test_no_phone_number_is_stored_in_clear(two_months: PipelineRun):
    phones = set()
    for month in MONTHS:
        phones |= set(read_orders(two_months.landing, month)["caller_phone"].dropna())
    assert len(phones) > 1000
    con = duckdb.connect(str(two_months.warehouse), read_only=True)
    try:
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        assert len(text_columns) > 50
        found = []
        for schema, table, column in text_columns:
            values = {
                v for (v,) in con.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()
            }
            if values & phones:
                found.append(f"{schema}.{table}.{column}")
    finally:
        con.close()
    assert found == []
    for path in two_months.output.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".md", ".html", ".jsonl"}:
            text = path.read_text(encoding="utf-8")
            assert not any(phone in text for phone in list(phones)[:500]), path


def test_runs_partitions_and_checks_are_recorded_in_the_instance(two_months: PipelineRun):
    with dg.DagsterInstance.from_config(str(two_months.dagster_home)) as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name="monthly_bulletin"))
        assert {run.tags.get("dagster/partition") for run in runs} == set(MONTHS)
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        materialized = instance.get_materialized_partitions(dg.AssetKey(["raw", "orders"]))
        assert set(materialized) == set(MONTHS)
        assert set(instance.get_materialized_partitions(dg.AssetKey("bulletin"))) == set(MONTHS)
        for run in runs:
            evaluations = [
                event.dagster_event.event_specific_data
                for event in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
            ]
            assert len(evaluations) > 100
            checked = {e.asset_key.to_user_string() for e in evaluations}
            assert {"marts/fct_unit_scores", "staging/stg_orders"} <= checked
