"""The optional tables keep their contract rules and look like the example month."""

from __future__ import annotations

import openpyxl
import pandas as pd

from pipelines.contract import (
    COUNTY_RECORD_STATUSES,
    COUNTY_RECORDS,
    INSPECTION_ITEMS,
    INSPECTIONS,
    INTERFACE_PROBES,
    KNOWLEDGE_TASKS,
    TEST_CALL_TARGETS,
    TEST_CALLS,
)
from pipelines.demo.generator import GenerationSummary
from pipelines.demo.volumes import read_units
from tests.demo.conftest import read_csv_english

START, CUTOFF = pd.Timestamp("2021-02-01"), pd.Timestamp("2021-03-01")
UNITS = {u.code: u for u in read_units()}
COUNTIES = {c for c, u in UNITS.items() if u.group == "县区"}


def in_month(values: pd.Series) -> bool:
    ts = pd.to_datetime(values, format="%Y-%m-%d %H:%M:%S")
    return bool(((ts >= START) & (ts < CUTOFF)).all())


def test_inspections(full_month: GenerationSummary, full_orders: pd.DataFrame) -> None:
    frame = read_csv_english(full_month.paths["inspections"], INSPECTIONS)
    assert 200 <= len(frame) <= 600
    assert frame["inspection_id"].is_unique
    assert frame["unit_code"].isin(UNITS).all()
    assert in_month(frame["inspected_at"])
    assert frame["item"].isin(INSPECTION_ITEMS).all() and frame["item"].nunique() == 2
    failed = frame[frame["passed"] == "0"]
    assert frame["passed"].isin(["0", "1"]).all()
    assert failed["finding"].notna().all()
    assert frame.loc[frame["passed"] == "1", "finding"].isna().all()
    reply_units = failed.loc[failed["item"] == "答复规范", "unit_code"].nunique()
    assert 10 <= reply_units <= 20
    assert (frame.loc[frame["item"] == "首次回应", "passed"] == "1").mean() > 0.95
    # inspections point at orders of the same unit
    owners = full_orders.set_index("order_id")["unit_code"]
    linked = frame[frame["order_id"].notna()]
    assert len(linked) > 0.8 * len(frame)
    assert (owners.loc[linked["order_id"]].to_numpy() == linked["unit_code"].to_numpy()).all()


def test_test_calls(full_month: GenerationSummary) -> None:
    frame = read_csv_english(full_month.paths["test_calls"], TEST_CALLS, encoding="utf-8-sig")
    assert 80 <= len(frame) <= 120
    assert frame["call_id"].is_unique
    assert frame["unit_code"].isin(UNITS).all()
    assert in_month(frame["called_at"])
    assert frame["target"].isin(TEST_CALL_TARGETS).all()
    deduction = frame["deduction"].astype(float)
    assert (deduction >= 0).all()
    assert frame.loc[deduction > 0, "reason"].notna().all()
    assert ((deduction == 0) == (frame["passed"] == "是")).all()
    penalised = frame[deduction > 0]
    assert 2 <= penalised["unit_code"].nunique() <= 3
    assert deduction[deduction > 0].between(0.5, 2).all()
    assert set(penalised["reason"]) <= {"服务流程不规范", "缺乏沟通技巧"}


def test_knowledge_tasks(full_month: GenerationSummary) -> None:
    frame = read_csv_english(full_month.paths["knowledge_tasks"], KNOWLEDGE_TASKS)
    assert 50 <= len(frame) <= 70
    assert frame["task_id"].is_unique
    assert frame["unit_code"].isin(UNITS).all()
    assert in_month(frame["due_at"])
    due = pd.to_datetime(frame["due_at"])
    submitted = pd.to_datetime(frame["submitted_at"])
    late = submitted.isna() | (submitted > due)
    assert 0 < late.sum() <= 3


def test_county_records(full_month: GenerationSummary) -> None:
    frame = read_csv_english(full_month.paths["county_records"], COUNTY_RECORDS)
    assert frame["record_id"].is_unique
    assert set(frame["county_code"]) == COUNTIES
    per_county = frame.groupby("county_code").size()
    assert per_county.between(5000, 11000).all()
    assert frame["status"].isin(COUNTY_RECORD_STATUSES).all()
    assert frame[["updated_at", "pushed_at"]].notna().all().all()
    required = frame[["received_at", "channel", "category", "content", "due_at"]]
    assert 0.005 <= required.isna().mean().mean() <= 0.06  # a few % of the cells missing
    done = frame[frame["status"] == "已办结"]
    assert 0.005 <= done[["reply", "completed_at"]].isna().mean().mean() <= 0.06
    assert frame.loc[frame["status"] == "办理中", ["reply", "completed_at"]].isna().all().all()
    short = frame["content"].dropna().str.len() < 15
    assert 0 < short.mean() < 0.03
    delay = pd.to_datetime(frame["pushed_at"]) - pd.to_datetime(frame["updated_at"])
    assert (delay >= pd.Timedelta(0)).all()
    assert 0.9 < (delay <= pd.Timedelta(hours=24)).mean() < 1
    assert (pd.to_datetime(frame["pushed_at"]) < CUTOFF).all()


def test_interface_probes(full_month: GenerationSummary) -> None:
    frame = read_csv_english(full_month.paths["interface_probes"], INTERFACE_PROBES)
    assert set(frame["county_code"]) == COUNTIES
    assert len(frame) == 4 * 28 * 24
    assert in_month(frame["probed_at"])
    ok = frame["ok"] == "true"
    uptime = ok.groupby(frame["county_code"]).mean()
    assert uptime.between(0.99, 1).all() and uptime.min() < 1
    assert (frame.loc[ok, "latency_ms"].astype(int) >= 0).all()


def test_county_assessments_cover_every_county(full_month: GenerationSummary) -> None:
    sheet = openpyxl.load_workbook(full_month.paths["county_assessments"]).worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(COUNTIES)
