"""bulletin.xlsx read back with openpyxl: one sheet per table, values and formats from bulletin.json."""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook

from pipelines.bulletin.figures import DATA_QUALITY_COLUMNS, HANDLING_ITEMS
from pipelines.bulletin.xlsx_writer import (
    COUNT,
    PERCENT,
    SCORE,
    SHEET_CATEGORIES,
    SHEET_CHANNELS,
    SHEET_DATA_QUALITY,
    SHEET_EXPLANATIONS,
    SHEET_HISTORY,
    SHEET_OTHER,
    SHEET_PROVINCE_UNITS,
    SHEET_QUALITY,
    SHEET_SUMMARY,
    SHEET_UNIT_SCORES,
    SHEET_UNRANKED,
    ranking_sheet,
)
from pipelines.contract import RANKED_GROUPS
from tests.bulletin.marts_fixture import OTHER_MONTH


@pytest.fixture(scope="module")
def workbook(written):
    return load_workbook(str(written.xlsx_path))


def rows(sheet) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def header(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def column(sheet, name: str) -> int:
    return header(sheet).index(name) + 1


def fraction(rate: float | None) -> float | None:
    return None if rate is None else pytest.approx(rate / 100, abs=1e-12)


def test_sheets_in_order(workbook):
    assert workbook.sheetnames == [
        SHEET_SUMMARY,
        *(ranking_sheet(g) for g in RANKED_GROUPS),
        SHEET_UNRANKED,
        SHEET_CHANNELS,
        SHEET_CATEGORIES,
        SHEET_PROVINCE_UNITS,
        SHEET_DATA_QUALITY,
        SHEET_QUALITY,
        SHEET_OTHER,
        SHEET_UNIT_SCORES,
        SHEET_EXPLANATIONS,
        SHEET_HISTORY,
    ]


def test_every_sheet_has_a_styled_frozen_header_and_widths(workbook):
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        names = header(sheet)
        assert all(names), sheet.title
        for index, cell in enumerate(sheet[1], start=1):
            assert cell.font.bold, (sheet.title, cell.value)
            assert cell.fill.fgColor.rgb.endswith("2F5F98"), (sheet.title, cell.value)
            assert sheet.column_dimensions[cell.column_letter].width >= 7, (sheet.title, index)


def test_rankings(workbook, data):
    for group in RANKED_GROUPS:
        sheet = workbook[ranking_sheet(group)]
        assert header(sheet) == ["排名", "单位编码", "单位", "总工单数", "得分"]
        assert rows(sheet) == [
            [e["rank"], e["unit_code"], e["unit_name"], e["orders"], e["score"]]
            for e in data["rankings"][group]
        ]
        for row in sheet.iter_rows(min_row=2):
            assert row[0].number_format == COUNT and row[3].number_format == COUNT
            assert row[4].number_format == SCORE


def test_unranked(workbook, data):
    listed = rows(workbook[SHEET_UNRANKED])
    assert sorted(r[1] for r in listed if r[2] == "本月无工单") == sorted(data["unranked"]["no_orders"])
    assert sorted(r[1] for r in listed if r[2] == "本月无应办结工单") == sorted(
        data["unranked"]["no_due_orders"]
    )


@pytest.mark.parametrize(
    ("sheet_name", "key"), [(SHEET_CHANNELS, "by_channel"), (SHEET_CATEGORIES, "by_category")]
)
def test_channels_and_categories_with_percent_shares(workbook, data, sheet_name, key):
    sheet = workbook[sheet_name]
    assert rows(sheet) == [[e["name"], e["count"], fraction(e["share"])] for e in data[key]]
    assert data[key]
    for row in sheet.iter_rows(min_row=2):
        assert row[2].number_format == PERCENT


def test_summary_headline_figures(workbook, data):
    sheet = workbook[SHEET_SUMMARY]
    values = {r[0]: r[1] for r in rows(sheet)}
    intake, province = data["intake"], data["province"]
    assert values["月份"] == data["month"]
    assert values["考评标准版本"] == data["rulebook_version"]
    assert values["受理诉求总数"] == intake["total"]
    assert values["当月受理"] == intake["received_this_month"]
    assert values["上月结转"] == intake["carried_over"]
    assert values["直接办理"] == intake["direct"]
    assert values["交办服务工单"] == intake["dispatched"]
    assert values["按时办结率"] == fraction(intake["on_time_completion_rate"])
    assert values["及时签收率"] == fraction(intake["timely_sign_rate"])
    assert values["回访满意率"] == fraction(intake["satisfaction_rate"])
    assert values["省派工单数"] == province["count"]
    assert values["省派工单较上月变化"] == province["change"]
    assert values["省派工单回访满意率"] == fraction(province["satisfaction_rate"])
    labels = [c.value for c in sheet["A"]]
    rate_row = labels.index("回访满意率") + 1
    assert sheet.cell(row=rate_row, column=2).number_format == PERCENT


def test_province_units(workbook, data):
    sheet = workbook[SHEET_PROVINCE_UNITS]
    assert rows(sheet) == [
        [u["unit_code"], u["unit_name"], u["orders"], u["due"], u["late"], fraction(u["on_time_rate"]),
         u["rated"], u["satisfied"], fraction(u["satisfaction_rate"])]
        for u in data["province"]["units"]
    ]  # fmt: skip
    # every unit of the province lists is in the sheet
    names = {r[1] for r in rows(sheet)}
    assert {u["unit_name"] for u in data["province"]["units_below_98"]} <= names


def test_data_quality(workbook, data):
    sheet = workbook[SHEET_DATA_QUALITY]
    assert data["data_quality"]
    for row, expected in zip(rows(sheet), data["data_quality"], strict=True):
        assert row[:3] == [expected["unit_code"], expected["unit_name"], expected["records"]]
        assert row[3 : 3 + len(DATA_QUALITY_COLUMNS)] == [expected[k] for k in DATA_QUALITY_COLUMNS]


def test_quality_lists(workbook, data):
    quality = data["quality"]
    expected = [
        [label, position, e["unit_code"], e["unit_name"], fraction(e["rate"])]
        for key, label in (
            ("lowest_timely_sign", "及时签收率"),
            ("lowest_on_time_completion", "按时办结率"),
            ("lowest_satisfaction", "回访满意率"),
        )
        for position, e in enumerate(quality[key], start=1)
    ]
    assert rows(workbook[SHEET_QUALITY]) == expected
    other = rows(workbook[SHEET_OTHER])
    deductions = [r for r in other if r[0] == "实例拨测"]
    assert [[r[1], r[3], r[5]] for r in deductions] == [
        [u["unit_code"], u["deduction"], "、".join(u["reasons"])] for u in quality["test_call_deductions"]
    ]
    assert [[r[1], r[3]] for r in other if r[0] == "首次回应率"] == [
        [u["unit_code"], u["failed"]] for u in quality["first_response_failed_units"]
    ]


def test_unit_item_scores(workbook, data):
    sheet = workbook[SHEET_UNIT_SCORES]
    assert len(rows(sheet)) == len(data["unit_scores"])
    for row, unit in zip(rows(sheet), data["unit_scores"], strict=True):
        assert len(set(header(sheet))) == len(header(sheet))
        named = dict(zip(header(sheet), row, strict=True))
        assert named["单位编码"] == unit["unit_code"] and named["考评组"] == unit["group"]
        assert [named[f"{item}得分"] for item in HANDLING_ITEMS] == [
            unit["items"][item] for item in HANDLING_ITEMS
        ]
        assert named["总分"] == unit["total"] and named["加分"] == unit["bonus"]
        assert named["数据质量"] == unit["data_quality"]
        assert named["按时办结率"] == fraction(unit["rates"]["on_time_completion"])
        assert named["省派回访满意率"] == fraction(unit["rates"]["satisfaction_province"])
    for cell in sheet.iter_rows(min_row=2, min_col=column(sheet, "总分"), max_col=column(sheet, "总分")):
        assert cell[0].number_format == SCORE


def test_explanations(workbook, data):
    assert rows(workbook[SHEET_EXPLANATIONS]) == [
        [
            e["unit_code"],
            e["unit_name"],
            e["item"],
            e["points_lost"],
            e["reason"],
            ",".join(e["evidence_ids"]),
        ]
        for e in data["explanations"]
    ]
    assert data["explanations"]


def test_monthly_rates_end_with_the_month(workbook, data):
    history = rows(workbook[SHEET_HISTORY])
    assert [r[0] for r in history] == [OTHER_MONTH, data["month"]]
    intake = data["intake"]
    assert history[-1][1:] == [
        fraction(intake["on_time_completion_rate"]),
        fraction(intake["timely_sign_rate"]),
        fraction(intake["satisfaction_rate"]),
    ]
