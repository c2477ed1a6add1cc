"""A unit's report card (单位考评明细, bulletin.md "Each unit's report card") as a Document.

`compose_report_card(card, settings)` lays out one `UnitCard` (card_figures.py) as the typed
blocks of document.py, which the bulletin's own renderers turn into `units/<unit_code>.html`
(html_writer.py) and `units/<unit_code>.docx` (docx_writer.py). The wording of the card lives
here; every figure is a value of the card, formatted (formatting.py).

Sections: 一、考评得分 (each item's indicator, full points, points, points lost, then the reasons),
二、整改目标 (to_full per rate item that lost points), 三、申诉情况 (when the month's figures hold
appeals), 四、失分工单明细 (the orders behind each lost point with their times; other evidence by
id), 五、年度累计情况 (year-to-date score and rank, the monthly totals and their chart).
"""

from __future__ import annotations

from typing import Any

from pipelines.bulletin.card_figures import (
    EVIDENCE_KINDS,
    ORDER_ITEMS,
    ItemLine,
    UnitCard,
    format_time,
    shown_evidence,
)
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.document import (
    Block,
    Caption,
    ChartRef,
    Document,
    DocumentInfo,
    Heading,
    KeyFigures,
    Masthead,
    Note,
    Paragraph,
    Table,
    Title,
    item,
)
from pipelines.bulletin.formatting import format_count, format_points, format_rate, glue
from pipelines.bulletin.year_charts import UNIT_CHART_KEY, months_label

TITLE_TAIL = "绩效考评明细"
ITEMS_HEADER = ("考评项目", "得分", "满分", "失分", "指标（达标/应计）")
RECOVERY_HEADER = ("考评项目", "类别", "应计", "达标", "目标", "满分还需")
#: the columns of the orders behind each item's lost points: id, times, and what the item judged
ORDER_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "及时签收率": (
        ("工单编号", "order_id"),
        ("交办时间", "dispatched_at"),
        ("签收时限", "sign_deadline"),
        ("签收时间", "signed_at"),
        ("办结时限", "due_at"),
        ("办结时间", "completed_at"),
    ),
    "按时办结率": (
        ("工单编号", "order_id"),
        ("交办时间", "dispatched_at"),
        ("办结时限", "due_at"),
        ("办结时间", "completed_at"),
    ),
    "回访满意率": (
        ("工单编号", "order_id"),
        ("派单级别", "dispatch_level"),
        ("交办时间", "dispatched_at"),
        ("办结时限", "due_at"),
        ("办结时间", "completed_at"),
        ("回访结果", "visit_result"),
    ),
}
TIME_FIELDS = {"dispatched_at", "sign_deadline", "signed_at", "due_at", "completed_at"}
YEAR_HEADER = ("月份", "得分", "排名")
RECOVERY_NOTE = (
    "注：满分还需 = max(0, ⌈目标 × 应计 − 达标⌉)，即本月计入的工单中至少还需多少件达标，该项方可得满分。"
)
CHINESE_ORDINALS = ("一", "二", "三", "四", "五", "六")


def _month_words(month: str) -> str:
    return f"{int(month[:4])}年 {int(month[5:])}月份"


def card_title(card: UnitCard) -> str:
    return glue(card.unit_name, f"{_month_words(card.month)}{TITLE_TAIL}")


def _indicator(line: ItemLine) -> str:
    """`16/22（72.73%）`; `市派 12/14（85.71%）；省派 无评价`; `不规范 5件`; `扣 1.5分`."""
    if line.fractions:
        parts = []
        for part, good, total, rate in line.fractions:
            shown = f"{good}/{total}（{format_rate(rate)}）" if total else "无应计"
            parts.append(f"{part} {shown}" if part else shown)
        return "；".join(parts)
    if line.item == "答复规范":
        return f"不规范 {format_count(line.count or 0)}件"
    if line.item == "知识储备":
        return f"未及时填报 {format_count(line.count or 0)}项"
    if line.item == "实例拨测":
        return f"扣 {format_points(line.count or 0)}分"
    return ""


def _score_rows(card: UnitCard) -> tuple[tuple[str, ...], ...]:
    rows = [
        (
            line.item,
            format_points(line.points),
            format_points(line.full_points),
            format_points(line.points_lost),
            _indicator(line),
        )
        for line in card.items
    ]
    for label, value in (
        ("工作量加分", card.bonus),
        ("数据质量", card.data_quality),
        ("县级平台办件", card.county_platform),
    ):
        if value is not None:
            rows.append((label, format_points(value), "", "", ""))
    marks = format_points(card.full_marks) if card.full_marks is not None else ""
    rows.append(("合计", format_points(card.total), marks, "", ""))
    return tuple(rows)


def _summary(card: UnitCard, settings: BulletinSettings) -> str:
    marks = f"（满分 {format_points(card.full_marks)}分）" if card.full_marks is not None else ""
    heading = settings.group(card.group).heading
    text = (
        glue(glue(card.unit_name, f"{_month_words(card.month)}交办工单"), f"{card.orders}件，")
        + glue("考评得分", f"{format_points(card.total)}分{marks}，")
        + glue(f"在{heading}中排名第", f"{card.rank}名（共 {card.ranked_in_group}家）。")
    )
    lost = [line for line in card.items if line.points_lost]
    if lost:
        text += glue("本月共有", f"{len(lost)}项考评项目失分，合计失分 ")
        text += f"{format_points(sum(line.points_lost for line in lost))}分。"
    else:
        text += "本月各项考评项目均未失分。"
    return text


def _section_scores(card: UnitCard, number: str) -> list[Block]:
    blocks: list[Block] = [
        Heading(f"{number}、考评得分"),
        Table(ITEMS_HEADER, _score_rows(card), numeric=(False, True, True, True, False)),
    ]
    lost = [line for line in card.items if line.points_lost]
    for index, line in enumerate(lost, start=1):
        blocks.append(
            item(f"（{index}）{line.item}失分 {format_points(line.points_lost)}分。{line.reason}。")
        )
    return blocks


def _section_recovery(card: UnitCard, number: str) -> list[Block]:
    blocks: list[Block] = [Heading(f"{number}、整改目标")]
    if not card.recovery:
        return blocks + [Paragraph("本月各比率项目均未失分，无整改目标。")]
    rows = tuple(
        (
            r["item"],
            r["part"] or "",
            format_count(r["denominator"]),
            format_count(r["good"]),
            format_rate(r["target"]) if r.get("target") is not None else "",
            f"{r['to_full']}件",
        )
        for r in card.recovery
    )
    sentences = []
    for r in card.recovery:
        part = f"{r['part']}" if r["part"] else ""
        sentences.append(
            glue(f"{r['item']}{part}：本月应计", f"{r['denominator']}件，达标 {r['good']}件，")
            + f"需再有 {r['to_full']}件达标方可得满分"
        )
    return blocks + [
        Table(RECOVERY_HEADER, rows, numeric=(False, False, True, True, True, True)),
        Paragraph("；".join(sentences) + "。"),
        Note(RECOVERY_NOTE),
    ]


def _section_appeals(card: UnitCard, number: str) -> list[Block]:
    """The unit's appeals of the month per item: upheld (通过), rejected (不通过), pending (待审核)."""
    blocks: list[Block] = [Heading(f"{number}、申诉情况")]
    if not card.appeals:
        return blocks + [Paragraph("本月无申诉。")]
    rows = tuple(
        (
            str(a["item"]),
            format_count(a.get("upheld") or 0),
            format_count(a.get("rejected") or 0),
            format_count(a.get("pending") or 0),
        )
        for a in card.appeals
    )
    upheld = sum(a.get("upheld") or 0 for a in card.appeals)
    rejected = sum(a.get("rejected") or 0 for a in card.appeals)
    text = f"本月申诉通过 {upheld}件，未通过 {rejected}件。"
    if upheld:
        text += "通过申诉的工单已不计入相应指标，也不在失分工单明细中。"
    return blocks + [
        Paragraph(text),
        Table(("申诉项目", "通过", "不通过", "待审核"), rows, numeric=(False, True, True, True)),
    ]


def _order_row(order: dict[str, Any], columns: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(
        format_time(order.get(key)) if key in TIME_FIELDS else str(order.get(key) or "—")
        for _, key in columns
    )


def _section_evidence(card: UnitCard, number: str) -> list[Block]:
    blocks: list[Block] = [Heading(f"{number}、失分工单明细")]
    lines = [line for line in card.items if line.points_lost and line.evidence_ids]
    if not lines:
        return blocks + [Paragraph("本月无失分工单。")]
    for line in lines:
        shown = shown_evidence(line.evidence_ids)
        if line.item in ORDER_ITEMS:
            orders = [card.orders_behind[i] for i in shown if i in card.orders_behind]
            columns = ORDER_COLUMNS[line.item]
            header = tuple(label for label, _ in columns)
            blocks.append(Caption(f"{line.item}失分工单（{len(line.evidence_ids)}件）"))
            blocks.append(Table(header, tuple(_order_row(o, columns) for o in orders)))
            missing = [i for i in shown if i not in card.orders_behind]
            if missing:
                blocks.append(Note("注：另有工单 " + "、".join(missing) + "（时间不详）。"))
        else:
            kind = EVIDENCE_KINDS.get(line.item, "记录")
            blocks.append(
                Paragraph(f"{line.item}：{kind} {len(line.evidence_ids)}条，编号 " + "、".join(shown) + "。")
            )
        if len(shown) < len(line.evidence_ids):
            blocks.append(
                Note(
                    f"注：共 {len(line.evidence_ids)}条，此处列出编号最小的 {len(shown)}条；"
                    "完整编号见 bulletin.xlsx 的“扣分说明”工作表。"
                )
            )
    return blocks


def _year_sentence(card: UnitCard, year: dict[str, Any], settings: BulletinSettings) -> str:
    entry = card.year_entry
    span = months_label(year.get("months", []))
    if entry is None:
        return f"{span}本单位无年度累计得分。"
    heading = settings.group(card.group).heading
    return (
        glue(
            f"{span}（已考评 {len(year.get('months', []))}个月），本单位参与排名",
            f"{entry['months_ranked']}个月，",
        )
        + glue("年度累计得分", f"{format_points(entry['score'])}分（各月总分的平均值），")
        + glue(f"在{heading}中排名第", f"{entry['rank']}名（共 {card.year_ranked_in_group}家）。")
    )


def _section_year(
    card: UnitCard, year: dict[str, Any], settings: BulletinSettings, number: str
) -> list[Block]:
    blocks: list[Block] = [
        Heading(f"{number}、年度累计情况"),
        Paragraph(_year_sentence(card, year, settings)),
    ]
    scores = {p["month"]: p for p in (card.year_entry or {}).get("monthly", [])}
    rows = tuple(
        (
            f"{int(m[5:])}月",
            format_points(scores[m]["score"]) if m in scores else "未排名",
            format_count(scores[m]["rank"]) if m in scores else "—",
        )
        for m in year.get("months", [])
    )
    if rows:
        blocks.append(Table(YEAR_HEADER, rows, numeric=(False, True, True)))
    blocks.append(ChartRef(UNIT_CHART_KEY, f"{card.unit_name}逐月得分"))
    return blocks


def compose_report_card(
    card: UnitCard, year: dict[str, Any], settings: BulletinSettings, with_appeals: bool = False
) -> Document:
    """The card of one ranked unit; `year` is bulletin.json's `year_to_date`; `with_appeals` adds
    the appeals section (when the month's figures hold appeals)."""
    published = settings.publication_date(card.month)
    title = card_title(card)
    year_entry = card.year_entry
    key_figures = [
        ("本月得分", f"{format_points(card.total)}分"),
        ("组内排名", f"{card.rank} / {card.ranked_in_group}"),
        ("考评组", card.group),
    ]
    if year_entry is not None:
        key_figures += [
            ("年度累计得分", f"{format_points(year_entry['score'])}分"),
            ("年度累计排名", f"{year_entry['rank']} / {card.year_ranked_in_group}"),
        ]
    sections = [lambda n: _section_scores(card, n), lambda n: _section_recovery(card, n)]
    if with_appeals:
        sections.append(lambda n: _section_appeals(card, n))
    sections += [lambda n: _section_evidence(card, n), lambda n: _section_year(card, year, settings, n)]
    blocks: list[Block] = [
        Masthead(
            issue=f"{_month_words(card.month)}单位考评明细",
            issuer=settings.center_name,
            date=f"{published.year}年 {published.month}月 {published.day}日",
        ),
        Title(title, (card.unit_name, f"{_month_words(card.month)}{TITLE_TAIL}")),
        KeyFigures(tuple(key_figures)),
        Paragraph(_summary(card, settings)),
    ]
    for index, section in enumerate(sections):
        blocks += section(CHINESE_ORDINALS[index])
    info = DocumentInfo(
        title=title,
        author=settings.center_name,
        subject=f"{card.month} {card.unit_code} {TITLE_TAIL}",
        keywords=f"12345; 单位考评明细; {card.month}; {card.unit_code}",
        date=published,
        footer=f"{settings.center_name} · {card.month} · {card.unit_code} {TITLE_TAIL}",
    )
    return Document(info=info, blocks=tuple(blocks))
