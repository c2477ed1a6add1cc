"""Every input of the contract is written, readable, with the headers and encodings promised."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from pipelines.contract import (
    COUNTY_ASSESSMENTS,
    INPUTS,
    INPUTS_BY_NAME,
    ORDERS,
    TEST_CALLS,
    UNITS,
)
from pipelines.demo.generator import GenerationSummary
from pipelines.demo.reference import UNITS_CSV

ENGLISH_CSV = ("inspections", "knowledge_tasks", "county_records", "interface_probes")


def test_every_contract_input_is_written(small_month: GenerationSummary) -> None:
    assert set(small_month.paths) == {spec.name for spec in INPUTS}
    for name, path in small_month.paths.items():
        assert path.exists() and path.stat().st_size > 0, name
        assert small_month.row_counts.get(name, 1) > 0, name
    month_dir = small_month.out_dir / small_month.month
    assert len(list(month_dir.iterdir())) == len(INPUTS) - 1  # units.csv sits beside the month folders


def test_units_csv_is_the_reference(small_month: GenerationSummary) -> None:
    path = small_month.paths["units"]
    assert path == small_month.out_dir / "units.csv"
    assert path.read_bytes() == UNITS_CSV.read_bytes()
    with open(path, encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == UNITS.column_names


def test_orders_csv_is_gb18030_with_chinese_headers(small_month: GenerationSummary) -> None:
    path = small_month.paths["orders"]
    assert path.name == "orders.csv"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    header = text.split("\r\n", 1)[0].split(",")
    assert header == [c.chinese for c in ORDERS.columns]
    assert all(c.chinese for c in ORDERS.columns)
    rows = list(csv.reader(text.splitlines()))
    assert len(rows) - 1 == small_month.row_counts["orders"]
    assert {len(r) for r in rows} == {len(ORDERS.columns)}


@pytest.mark.parametrize("name", ENGLISH_CSV)
def test_side_csv_files_have_english_headers(small_month: GenerationSummary, name: str) -> None:
    path = small_month.paths[name]
    assert path.suffix == ".csv"
    with open(path, encoding="utf-8", newline="") as handle:  # plain UTF-8, no BOM
        rows = list(csv.reader(handle))
    assert rows[0] == INPUTS_BY_NAME[name].column_names
    assert len(rows) - 1 == small_month.row_counts[name]


def test_test_calls_csv_is_utf8_with_bom_and_chinese_headers(small_month: GenerationSummary) -> None:
    data = small_month.paths["test_calls"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0] == [c.chinese for c in TEST_CALLS.columns]
    assert {r[4] for r in rows[1:]} <= {"是", "否"}


def test_county_assessments_is_xlsx_with_chinese_headers(small_month: GenerationSummary) -> None:
    path = small_month.paths["county_assessments"]
    assert path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.chinese for c in COUNTY_ASSESSMENTS.columns]
    assert len(rows) - 1 == small_month.row_counts["county_assessments"] == 4
    for code, score, deduction, reason in rows[1:]:
        assert code.startswith("LYG01")
        assert 3 <= score <= 5
        assert deduction >= 0
        assert (reason is not None) == (deduction > 0)
