"""Every contract rule of orders holds on the generated rows (contract.md, orders)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.contract import CATEGORIES, CHANNELS, DISPATCH_LEVELS, HANDLINGS, VISIT_RESULTS
from pipelines.demo.generator import GenerationSummary
from pipelines.demo.volumes import read_units
from tests.demo.conftest import read_orders
from tests.demo.rulebook import COMPLETE_DAYS, deadline

START, CUTOFF = pd.Timestamp("2021-02-01"), pd.Timestamp("2021-03-01")


@pytest.fixture(scope="module", params=["small_month", "full_month"])
def orders(request: pytest.FixtureRequest) -> pd.DataFrame:
    summary: GenerationSummary = request.getfixturevalue(request.param)
    return read_orders(summary)


def test_ids_unique_and_well_formed(orders: pd.DataFrame) -> None:
    assert orders["order_id"].notna().all()
    assert orders["order_id"].is_unique
    assert orders["order_id"].str.fullmatch(r"GD20\d{4}\d{7}").all()
    # an id carries the month the order was received in
    received_month = orders["received_at"].dt.strftime("%Y%m")
    assert (orders["order_id"].str[2:8] == received_month).all()


def test_enums(orders: pd.DataFrame) -> None:
    assert orders["channel"].isin(CHANNELS).all()
    assert orders["category"].isin(CATEGORIES).all()
    assert orders["handling"].isin(HANDLINGS).all()
    assert orders["dispatch_level"].dropna().isin(DISPATCH_LEVELS).all()
    assert orders["visit_result"].dropna().isin(VISIT_RESULTS).all()
    assert orders["supervision"].isin(["是", "否"]).all()


def test_dispatched_rows_have_unit_level_and_time(orders: pd.DataFrame) -> None:
    codes = {u.code for u in read_units()}
    dispatched = orders["handling"] == "交办"
    for column in ("dispatch_level", "unit_code", "dispatched_at"):
        assert orders.loc[dispatched, column].notna().all(), column
        assert orders.loc[~dispatched, column].isna().all(), column
    assert orders.loc[dispatched, "unit_code"].isin(codes).all()
    assert orders.loc[~dispatched, ["signed_at", "sign_deadline", "due_at"]].isna().all().all()


def test_timestamps_ordered_and_before_cutoff(orders: pd.DataFrame) -> None:
    for column in ("received_at", "dispatched_at", "signed_at", "completed_at", "sign_deadline", "due_at"):
        assert orders[column].dropna().dt.strftime("%H:%M:%S").str.len().eq(8).all()
    for column in ("received_at", "dispatched_at", "signed_at", "completed_at"):
        assert (orders[column].dropna() < CUTOFF).all(), column
    d = orders[orders["handling"] == "交办"]
    assert (d["dispatched_at"] >= d["received_at"]).all()
    signed = d[d["signed_at"].notna()]
    assert (signed["signed_at"] >= signed["dispatched_at"]).all()
    done = d[d["completed_at"].notna()]
    assert (done["completed_at"] >= done["dispatched_at"]).all()
    assert (done["completed_at"] >= done["signed_at"]).all()
    assert done["signed_at"].notna().all()  # completed orders were signed first
    direct = orders[orders["handling"] == "直接办理"]
    assert (direct["completed_at"] >= direct["received_at"]).all()


def test_carried_over_rows_are_valid(orders: pd.DataFrame) -> None:
    carried = orders[orders["received_at"] < START]
    assert len(carried) > 0
    assert (carried["handling"] == "交办").all()
    assert (carried["dispatched_at"] < START).all()
    assert (carried["completed_at"].dropna() >= START).all()
    assert (carried["received_at"] >= START - pd.Timedelta(days=31)).all()


def test_deadlines_follow_the_time_limits(orders: pd.DataFrame) -> None:
    d = orders[orders["handling"] == "交办"]
    sample = d[d["sign_deadline"].notna()].head(3000)
    expected = [deadline(t, 1) for t in sample["dispatched_at"]]
    assert list(sample["sign_deadline"]) == expected
    sample = d[d["due_at"].notna()].head(3000)
    expected = pd.Series(
        [deadline(r.dispatched_at, COMPLETE_DAYS[r.dispatch_level][r.category]) for r in sample.itertuples()],
        index=sample.index,
    )
    extended = sample["due_at"] > expected  # an approved extension moves the deadline later
    assert (sample["due_at"][~extended] == expected[~extended]).all()
    assert extended.mean() < 0.03
    # a few % of the export leaves deadlines for the pipeline to compute
    for column in ("sign_deadline", "due_at"):
        blank = d[column].isna().mean()
        assert 0.01 <= blank <= 0.06, (column, blank)


def test_province_and_supervision(orders: pd.DataFrame) -> None:
    province = orders["dispatch_level"] == "省派"
    assert (province == (orders["channel"] == "省12345平台交办")).all()
    assert (orders.loc[orders["supervision"] == "是", "dispatch_level"] == "省派").all()


def test_visits_only_on_completed_orders(orders: pd.DataFrame) -> None:
    visited = orders[orders["visit_result"].notna()]
    assert visited["completed_at"].notna().all()


def test_phones_and_content(orders: pd.DataFrame) -> None:
    phones = orders["caller_phone"].dropna()
    assert len(phones) > 0.5 * len(orders)
    assert phones.str.fullmatch(r"1[3-9]\d{9}").all()
    assert orders["content"].notna().all()
    assert not orders["content"].str.contains(r"\d{7}").any()
