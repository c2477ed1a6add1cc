"""bulletin.xlsx: every table of the bulletin as a sheet, plus per-unit item scores and explanations.

Values are those of the bulletin dict (`build_bulletin`), as numbers: counts as integers, scores and
points with the format `0.00`, rates and shares as fractions (value / 100) with the format `0.00%`,
so that Excel sorts, filters and sums them. Tables run one unit a row (the two-units-a-row layout
is for print); each sheet has one styled header row, frozen, with a filter, and set column widths.
A rate without a denominator is an empty cell.

Every text cell is a string cell (`t="s"`), never a formula: openpyxl would store a text starting
with `=` as a formula, so each text is written as a string explicitly, and one starting with `=`,
`+`, `-`, `@` is also quote-prefixed (Excel keeps it text when the cell is edited); characters
XML cannot hold are dropped (escaping.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipelines.bulletin.compose import county_group
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.escaping import is_formula_like, xml_text
from pipelines.bulletin.figures import DATA_QUALITY_COLUMNS, HANDLING_ITEMS

COUNT, SCORE, PERCENT, TEXT = "0", "0.00", "0.00%", "@"
HEADER_FONT = Font(name="等线", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F5F98")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BODY_FONT = Font(name="等线")

#: sheet names (public: the tests and docs/documents.md name them)
SHEET_SUMMARY = "概况"
SHEET_RANKING_PREFIX = "排名-"
SHEET_UNRANKED = "未参与排名"
SHEET_CHANNELS = "受理来源"
SHEET_CATEGORIES = "受理类别"
SHEET_PROVINCE_UNITS = "省派工单单位"
SHEET_DATA_QUALITY = "数据质量"
SHEET_QUALITY = "办件质效"
SHEET_OTHER = "其他指标"
SHEET_UNIT_SCORES = "单位得分明细"
SHEET_EXPLANATIONS = "扣分说明"
SHEET_HISTORY = "月度三率"

LOWEST_LISTS = (
    ("lowest_timely_sign", "及时签收率"),
    ("lowest_on_time_completion", "按时办结率"),
    ("lowest_satisfaction", "回访满意率"),
)
UNIT_RATES = (
    ("timely_sign", "及时签收率"),
    ("on_time_completion", "按时办结率"),
    ("satisfaction_city", "市派回访满意率"),
    ("satisfaction_province", "省派回访满意率"),
    ("first_response", "首次回应率"),
)


@dataclass(frozen=True)
class Column:
    name: str
    width: float
    number_format: str = TEXT


def percent(value: float | None) -> float | None:
    """A bulletin rate (percent, 2 decimals) as the fraction Excel formats with `0.00%`."""
    if value is None:
        return None
    return float(Decimal(str(value)) / 100)


def ranking_sheet(group: str) -> str:
    """The sheet of a group's ranking (`排名-` and the group's name)."""
    return f"{SHEET_RANKING_PREFIX}{group}"


def write_text(cell: Any, value: str) -> None:
    """A text cell that stays text: a string cell, quote-prefixed when it looks like a formula."""
    cell.value = xml_text(value)
    cell.data_type = "s"
    if is_formula_like(cell.value):
        cell.quotePrefix = True


def _append(sheet: Any, index: int, row: list[Any]) -> None:
    for column, value in enumerate(row, start=1):
        cell = sheet.cell(row=index, column=column)
        if isinstance(value, str):
            write_text(cell, value)
        else:
            cell.value = value


def _sheet(workbook: Workbook, title: str, columns: list[Column], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    _append(sheet, 1, [c.name for c in columns])
    for index, row in enumerate(rows, start=2):
        _append(sheet, index, row)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        header = sheet.cell(row=1, column=index)
        header.font, header.fill, header.alignment, header.border = (
            HEADER_FONT,
            HEADER_FILL,
            HEADER_ALIGN,
            BORDER,
        )
        for row_index in range(2, len(rows) + 2):
            cell = sheet.cell(row=row_index, column=index)
            cell.font, cell.border = BODY_FONT, BORDER
            if column.number_format != TEXT:
                cell.number_format = column.number_format
                cell.alignment = Alignment(horizontal="right")
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


def _summary(workbook: Workbook, bulletin: dict[str, Any], title: str, settings: BulletinSettings) -> None:
    intake, province, quality = bulletin["intake"], bulletin["province"], bulletin["quality"]
    rows: list[tuple[str, Any, str]] = [
        ("通报", title, TEXT),
        ("月份", bulletin["month"], TEXT),
        (
            "期号",
            f"{settings.issue_year(bulletin['month'])}年第 {settings.issue_number(bulletin['month'])} 期",
            TEXT,
        ),
        ("考评标准", bulletin.get("standard", ""), TEXT),
        ("考评标准版本", bulletin["rulebook_version"], TEXT),
        ("受理诉求总数", intake["total"], COUNT),
        ("当月受理", intake["received_this_month"], COUNT),
        ("上月结转", intake["carried_over"], COUNT),
        ("直接办理", intake["direct"], COUNT),
        ("交办服务工单", intake["dispatched"], COUNT),
        ("按时办结率", percent(intake["on_time_completion_rate"]), PERCENT),
        ("及时签收率", percent(intake["timely_sign_rate"]), PERCENT),
        ("回访满意率", percent(intake["satisfaction_rate"]), PERCENT),
        ("省派工单数", province["count"], COUNT),
        ("上月省派工单数", province["previous_count"], COUNT),
        ("省派工单较上月变化", province["change"], COUNT),
        ("国务院“互联网+督查”交办单", province["supervision_count"], COUNT),
        ("承办省派工单的单位数", province["unit_count"], COUNT),
        ("省派工单按时办结率", percent(province["on_time_rate"]), PERCENT),
        ("省派工单回访满意率", percent(province["satisfaction_rate"]), PERCENT),
        ("承办量在平均水平以上的单位数", quality["above_average_units"], COUNT),
        ("存在答复不规范问题的单位数", quality["reply_finding_units"], COUNT),
    ]
    rows += [
        (f"隔离数据行数（{name}）", count, COUNT) for name, count in bulletin["quarantined_rows"].items()
    ]
    _sheet(workbook, SHEET_SUMMARY, [Column("项目", 30), Column("数值", 60)], [[k, v] for k, v, _ in rows])
    sheet = workbook[SHEET_SUMMARY]
    for index, (_, _, number_format) in enumerate(rows, start=2):
        cell = sheet.cell(row=index, column=2)
        cell.number_format = number_format
        cell.alignment = Alignment(horizontal="left", wrap_text=number_format == TEXT)


def unit_appeals_text(bulletin: dict[str, Any]) -> dict[str, str]:
    """unit_code → its appeals of the month, e.g. `回访满意率通过1件、不通过1件；按时办结率待审核1件`."""
    texts: dict[str, list[str]] = {}
    for entry in (bulletin.get("appeals") or {}).get("units", []):
        counts = [
            f"{label}{entry[key]}件"
            for key, label in (("upheld", "通过"), ("rejected", "不通过"), ("pending", "待审核"))
            if entry[key]
        ]
        texts.setdefault(entry["unit_code"], []).append(entry["item"] + "、".join(counts))
    return {code: "；".join(parts) for code, parts in texts.items()}


def render_xlsx(
    bulletin: dict[str, Any], settings: BulletinSettings, title: str, history: list[dict[str, Any]]
) -> bytes:
    """The workbook of the bulletin; `history` is the platform's three rates by month (charts.py)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _summary(workbook, bulletin, title, settings)

    groups = list(bulletin["rankings"])
    for group in groups:
        _sheet(
            workbook,
            ranking_sheet(group),
            [Column("排名", 8, COUNT), Column("单位编码", 12), Column("单位", 26),
             Column("总工单数", 11, COUNT), Column("得分", 10, SCORE)],
            [[e["rank"], e["unit_code"], e["unit_name"], e["orders"], e["score"]]
             for e in bulletin["rankings"][group]],
        )  # fmt: skip

    unranked = [
        [group, name, reason]
        for group in groups
        for key, reason in (("no_orders", "本月无工单"), ("no_due_orders", "本月无应办结工单"))
        for name in bulletin["groups"][group][key]
    ]
    _sheet(workbook, SHEET_UNRANKED, [Column("考评组", 16), Column("单位", 26), Column("原因", 20)], unranked)

    for sheet_name, key, label in (
        (SHEET_CHANNELS, "by_channel", "受理来源"),
        (SHEET_CATEGORIES, "by_category", "受理类别"),
    ):
        _sheet(
            workbook,
            sheet_name,
            [Column(label, 20), Column("工单数", 11, COUNT), Column("占比", 10, PERCENT)],
            [[e["name"], e["count"], percent(e["share"])] for e in bulletin[key]],
        )

    _sheet(
        workbook,
        SHEET_PROVINCE_UNITS,
        [Column("单位编码", 12), Column("单位", 26), Column("省派工单数", 11, COUNT),
         Column("应办结", 9, COUNT), Column("超时办结", 9, COUNT), Column("按时办结率", 11, PERCENT),
         Column("评价件数", 9, COUNT), Column("满意件数", 9, COUNT), Column("回访满意率", 11, PERCENT)],
        [[u["unit_code"], u["unit_name"], u["orders"], u["due"], u["late"], percent(u["on_time_rate"]),
          u["rated"], u["satisfied"], percent(u["satisfaction_rate"])]
         for u in bulletin["province"].get("units", [])],
    )  # fmt: skip

    county = county_group(bulletin)
    dq_extra = (("platform_on_time_points", "县级平台按时办结得分"), ("platform_satisfaction_points",
                "县级平台满意率得分"), ("county_platform", "县级平台办件得分"))  # fmt: skip
    _sheet(
        workbook,
        SHEET_DATA_QUALITY,
        [Column(f"{county}编码", 12), Column(county, 14), Column("工单总数", 11, COUNT),
         *(Column(f"{key}得分" if key != "数据质量总分" else key, 11, SCORE) for key in DATA_QUALITY_COLUMNS),
         *(Column(label, 13, SCORE) for _, label in dq_extra)],
        [[r["unit_code"], r["unit_name"], r["records"], *(r[key] for key in DATA_QUALITY_COLUMNS),
          *(r.get(key) for key, _ in dq_extra)]
         for r in bulletin["data_quality"]],
    )  # fmt: skip

    quality = bulletin["quality"]
    _sheet(
        workbook,
        SHEET_QUALITY,
        [Column("指标", 14), Column("位次", 7, COUNT), Column("单位编码", 12), Column("单位", 26),
         Column("比率", 10, PERCENT)],
        [[label, position, e["unit_code"], e["unit_name"], percent(e["rate"])]
         for key, label in LOWEST_LISTS
         for position, e in enumerate(quality[key], start=1)],
    )  # fmt: skip

    other = [
        ["首次回应率", u["unit_code"], u["unit_name"], u["failed"], "件", "未在规定时间内联系服务对象"]
        for u in quality["first_response_failed_units"]
    ]
    other += [
        ["知识储备", u["unit_code"], u["unit_name"], u["late"], "项", "未及时填报知识库内容"]
        for u in quality["knowledge_late_units"]
    ]
    other += [
        ["实例拨测", u["unit_code"], u["unit_name"], u["deduction"], "分", "、".join(u["reasons"])]
        for u in quality["test_call_deductions"]
    ]
    _sheet(
        workbook,
        SHEET_OTHER,
        [Column("指标", 12), Column("单位编码", 12), Column("单位", 26), Column("数量", 9, "General"),
         Column("单位（计量）", 8), Column("说明", 50)],
        other,
    )  # fmt: skip

    ranks = {e["unit_code"]: e["rank"] for ranking in bulletin["rankings"].values() for e in ranking}
    appeals = unit_appeals_text(bulletin)
    _sheet(
        workbook,
        SHEET_UNIT_SCORES,
        [Column("单位编码", 12), Column("单位", 26), Column("考评组", 14), Column("排名", 7, COUNT),
         Column("总工单数", 10, COUNT),
         *(Column(f"{item}得分", 11, SCORE) for item in HANDLING_ITEMS),
         Column("加分", 8, SCORE), Column("数据质量", 10, SCORE), Column("县级平台办件", 12, SCORE),
         Column("总分", 10, SCORE),
         *(Column(label, 12, PERCENT) for _, label in UNIT_RATES), Column("申诉", 36)],
        [[u["unit_code"], u["unit_name"], u["group"], ranks.get(u["unit_code"]), u.get("orders"),
          *(u["items"][item] for item in HANDLING_ITEMS),
          u["bonus"], u["data_quality"], u["county_platform"], u["total"],
          *(percent(u["rates"].get(key)) for key, _ in UNIT_RATES), appeals.get(u["unit_code"])]
         for u in bulletin["unit_scores"]],
    )  # fmt: skip

    _sheet(
        workbook,
        SHEET_EXPLANATIONS,
        [Column("单位编码", 12), Column("单位", 26), Column("考评项目", 12), Column("失分", 8, SCORE),
         Column("原因", 70), Column("依据工单", 40)],
        [[e["unit_code"], e["unit_name"], e["item"], e["points_lost"], e["reason"],
          ",".join(e["evidence_ids"])]
         for e in bulletin["explanations"]],
    )  # fmt: skip
    sheet = workbook[SHEET_EXPLANATIONS]
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    _sheet(
        workbook,
        SHEET_HISTORY,
        [Column("月份", 10), Column("按时办结率", 12, PERCENT), Column("及时签收率", 12, PERCENT),
         Column("回访满意率", 12, PERCENT)],
        [[h["month"], percent(h["on_time_completion_rate"]), percent(h["timely_sign_rate"]),
          percent(h["satisfaction_rate"])]
         for h in history],
    )  # fmt: skip

    workbook.properties.title = title
    workbook.properties.creator = settings.center_name
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
