"""The bulletin as a Document (document.py), in the order and phrasing of the published 2021-02 one.

`compose_bulletin` reads the dict of `build_bulletin` (bulletin.json), the publication settings and
the month's rulebook thresholds (rules.py) only: every figure printed is a value of the dict,
formatted (formatting.py), never recomputed. The wording of the bulletin lives here and nowhere
else; markdown.py, docx_writer.py and html_writer.py lay the same blocks out.

Spacing follows the example consistently: one space between a Chinese character and a following
number (`共 4家`, `灌南县 134.96分`, `按时办结率 95.81%`), none between a number and its unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipelines.bulletin.compose_year import year_to_date_blocks
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
    numbered,
)
from pipelines.bulletin.formatting import (
    chinese_count,
    cjk_space,
    format_count,
    format_points,
    format_rate,
    format_table_score,
    glue,
)
from pipelines.bulletin.ranking_tables import two_up_table
from pipelines.bulletin.rules import BulletinRules
from pipelines.months import Month

SECTION_HEADINGS = ("一、考评得分情况", "二、总体数据情况", "三、省派工单情况", "四、考评指标情况")
RANKING_COLUMNS = ("单位", "总工单数", "得分", "排名")
#: the county 数据质量 table's columns after the name column (headed by the group's name)
DATA_QUALITY_ITEMS_HEADER = (
    "工单总数",
    "数据完整得分",
    "内容完整得分",
    "扣分项得分",
    "工单抽检得分",
    "数据及时得分",
    "接口稳定性得分",
    "一体化建设得分",
    "数据质量总分",
)
DATA_QUALITY_KEYS = (
    "数据完整",
    "内容完整",
    "扣分项",
    "工单抽检",
    "数据及时",
    "接口稳定性",
    "一体化建设",
    "数据质量总分",
)
LDQUO, RDQUO = "\u201c", "\u201d"
FIRST_NAMED = 3
LOWEST_NAMED = 5
TITLE_TAIL = "绩效考评情况通报"
#: chart key → the section (1 to 4) at whose end it is shown
CHART_SECTIONS = {
    "scores_by_group": 1,
    "rates_by_month": 2,
    "intake_by_channel": 2,
    "province_satisfaction": 3,
}
CHART_TITLES = {
    "scores_by_group": "各单位考评得分",
    "rates_by_month": "平台按时办结率、及时签收率、回访满意率（逐月）",
    "intake_by_channel": "诉求受理来源",
    "province_satisfaction": "省派工单回访满意率（按单位）",
}


# ---------------------------------------------------------------------------------------------
# helpers


def ranking_table(ranking: list[dict[str, Any]]) -> Table:
    """The month's ranking of one group: 单位 / 总工单数 / 得分 / 排名, two units a row."""
    return two_up_table(ranking, RANKING_COLUMNS, "orders", kind="ranking")


def _names(names: list[str]) -> str:
    return "、".join(names)


def _listing(pairs: list[tuple[str, str]], separator: str = "、") -> str:
    """`东海县 86件、灌南县 64件`: each name glued to its figure."""
    return separator.join(glue(name, figure) for name, figure in pairs)


def _first_named(names: list[str], count_word: str = "家单位") -> str:
    """`东海县、灌云县、灌南县等 24家单位` (first three named; `等` only when more are counted)."""
    shown = names[:FIRST_NAMED]
    more = "等" if len(names) > len(shown) else ""
    return glue(_names(shown) + more, f"{len(names)}{count_word}")


def _month_number(month: str) -> int:
    return Month.parse(month).number


def _previous_month_number(month: str) -> int:
    return Month.parse(month).previous.number


# ---------------------------------------------------------------------------------------------
# header


def split_title(title: str, tail: str = TITLE_TAIL) -> tuple[str, ...]:
    """The title on two lines as printed (`2021年 2月份市 12345在线平台` / `绩效考评情况通报`)."""
    if title.endswith(tail) and len(title) > len(tail):
        return (title[: -len(tail)], tail)
    return (title,)


def bulletin_title(bulletin: dict[str, Any], settings: BulletinSettings) -> str:
    month = bulletin["month"]
    return f"{int(month[:4])}年 {_month_number(month)}月份{settings.platform_name}{TITLE_TAIL}"


def _key_figures(bulletin: dict[str, Any]) -> KeyFigures:
    intake, province = bulletin["intake"], bulletin["province"]
    return KeyFigures(
        (
            ("受理诉求", f"{intake['total']}件"),
            ("交办服务工单", f"{intake['dispatched']}件"),
            ("按时办结率", format_rate(intake["on_time_completion_rate"])),
            ("及时签收率", format_rate(intake["timely_sign_rate"])),
            ("回访满意率", format_rate(intake["satisfaction_rate"])),
            ("省派工单", f"{province['count']}件"),
        )
    )


def _header(bulletin: dict[str, Any], settings: BulletinSettings) -> list[Block]:
    month = bulletin["month"]
    number = _month_number(month)
    published = settings.publication_date(month)
    standard = bulletin["standard"]
    if "《" not in standard:
        standard = f"《{standard}》"
    opening = (
        f"{settings.center_short_name}依据{standard}有关要求，"
        + glue(f"对{settings.city_prefix}各成员单位", f"{settings.hotline_name}工作进行综合评价，")
        + f"现将 {number}月份绩效考评有关情况通报如下："
    )
    title = bulletin_title(bulletin, settings)
    return [
        Masthead(
            issue=f"{settings.issue_year(month)}年第 {settings.issue_number(month)} 期",
            issuer=settings.center_name,
            date=f"{published.year}年 {published.month}月 {published.day}日",
        ),
        Title(title, split_title(title)),
        _key_figures(bulletin),
        Paragraph(opening),
    ]


# ---------------------------------------------------------------------------------------------
# 一、考评得分情况


def _group_intro(index: int, group: str, bulletin: dict[str, Any], settings: BulletinSettings) -> str:
    facts = bulletin["groups"][group]
    marks = f"，满分为 {format_points(facts['full_marks'])}分" if facts["full_marks"] is not None else ""
    return f"{index}. {settings.group(group).heading}（共 {facts['unit_count']}家{marks}）："


def _unranked_note(facts: dict[str, Any]) -> str | None:
    parts = []
    for key, phrase in (("no_orders", "本月无工单。"), ("no_due_orders", "本月无应办结工单。")):
        names = facts[key]
        if len(names) == 1:
            parts.append(names[0] + phrase)
        elif names:
            parts.append(glue(_names(names) + "共", f"{len(names)}家单位{phrase}"))
    return "注：" + "".join(parts) if parts else None


def _scores_sentence(ranking: list[dict[str, Any]]) -> str:
    if not ranking:
        return "本月无参与排名的单位。"
    first, *rest = ranking
    parts = [glue(f"{first['unit_name']}考评得分为", f"{format_points(first['score'])}分")]
    parts += [glue(e["unit_name"], f"{format_points(e['score'])}分") for e in rest]
    return "，".join(parts) + "。"


def _table_blocks(group: str, bulletin: dict[str, Any], settings: BulletinSettings) -> list[Block]:
    ranking = bulletin["rankings"][group]
    blocks: list[Block] = [Caption(settings.group(group).table_caption)]
    blocks.append(ranking_table(ranking) if ranking else Paragraph("本月无参与排名的单位。"))
    note = _unranked_note(bulletin["groups"][group])
    if note:
        blocks.append(Note(note))
    return blocks


def _scores_group(
    index: int, group: str, bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules
) -> list[Block]:
    ranking = bulletin["rankings"][group]
    month_word = f"{_month_number(bulletin['month'])}月份，" if ranking else ""
    intro = _group_intro(index, group, bulletin, settings) + month_word + _scores_sentence(ranking)
    return [numbered(intro), *_table_blocks(group, bulletin, settings)]


def _department_summary(facts: dict[str, Any], rules: BulletinRules) -> str:
    top = facts["units_at_least_99"]
    line = format_points(rules.excellent_score)
    if not top:
        clauses = [f"无考评得分在 {line}分以上的单位"]
    elif len(top) == 1:
        clauses = [glue(f"考评得分在 {line}分以上的单位有{top[0]}", "1家")]
    else:
        more = "等" if len(top) > 2 else ""
        clauses = [glue(f"考评得分在 {line}分以上的单位共有{_names(top[:2])}{more}", f"{len(top)}家")]
    if facts["no_orders"]:
        clauses.append(f"无群众诉求的单位共有 {len(facts['no_orders'])}家")
    if facts["no_due_orders"]:
        clauses.append(f"无应办结工单的单位有 {len(facts['no_due_orders'])}家")
    return "，".join(clauses) + "。"


def lowest_paragraph(group: str, bulletin: dict[str, Any]) -> str | None:
    """The lowest three with their scores, then each one's reasons from the explanations."""
    lowest = bulletin["groups"][group]["lowest_units"]
    if not lowest:
        return None
    text = (
        "本月"
        + "，".join(glue(u["unit_name"], f"{format_points(u['score'])}分") for u in lowest)
        + "排名靠后。"
    )
    explained = []
    for unit in lowest:
        reasons = [
            cjk_space(e["reason"]) for e in bulletin["explanations"] if e["unit_code"] == unit["unit_code"]
        ]
        if reasons:
            explained.append(glue(unit["unit_name"], "。".join(reasons)))
    if explained:
        text += "；".join(explained) + "。"
        text += f"上述{chinese_count(len(explained))}家单位应提高重视程度，进一步提升诉求办理质效。"
    return text


def _summary_group(
    index: int, group: str, bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules
) -> list[Block]:
    facts = bulletin["groups"][group]
    intro = _group_intro(index, group, bulletin, settings) + f"本月{settings.city_prefix}各成员单位中，"
    blocks: list[Block] = [numbered(intro + _department_summary(facts, rules))]
    lowest = lowest_paragraph(group, bulletin)
    if lowest:
        blocks.append(Paragraph(lowest))
    return blocks + _table_blocks(group, bulletin, settings)


def ranked_groups(bulletin: dict[str, Any]) -> list[str]:
    """The ranked 考评组 of the month, in the figures' order (the rulebook's groups)."""
    return list(bulletin["rankings"])


def appeals_sentence(bulletin: dict[str, Any]) -> str | None:
    """`本月受理申诉N件，通过M件。` after the rankings (None when the month has no appeal).

    N = upheld + rejected + pending appeals (bulletin.json `appeals`), M = upheld (docs/decisions.md).
    """
    appeals = bulletin.get("appeals") or {}
    received = sum(int(appeals.get(key, 0)) for key in ("upheld", "rejected", "pending"))
    if not received:
        return None
    return f"本月受理申诉{received}件，通过{int(appeals.get('upheld', 0))}件。"


def _section_scores(
    bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules
) -> list[Block]:
    blocks: list[Block] = [Heading(SECTION_HEADINGS[0])]
    for index, group in enumerate(ranked_groups(bulletin), start=1):
        phrase = _summary_group if settings.group(group).style == "summary" else _scores_group
        blocks += phrase(index, group, bulletin, settings, rules)
    appeals = appeals_sentence(bulletin)
    if appeals:
        blocks.append(Paragraph(appeals))
    return blocks


# ---------------------------------------------------------------------------------------------
# 二、总体数据情况


def _channel_label(name: str, first: bool) -> str:
    if first and not name.endswith(("上报", "交办")):
        return f"{name}受理"
    return name


def _category_label(name: str) -> str:
    return f"{name}问题" if name.endswith("上报") else f"{name}类"


def _share_items(entries: list[dict[str, Any]], label: Callable[[str, bool], str], first_total: str) -> str:
    """`电话受理 43344件，占工单总数的 61.1%；…` (channel and category labels follow the spacing rule)."""
    parts = []
    for i, entry in enumerate(entries):
        whole = first_total if i == 0 else "总数"
        name = cjk_space(label(entry["name"], i == 0))
        parts.append(glue(name, f"{entry['count']}件，占{whole}的 {format_rate(entry['share'])}"))
    return "；".join(parts) + "。"


def _section_intake(bulletin: dict[str, Any], settings: BulletinSettings) -> list[Block]:
    intake = bulletin["intake"]
    month_word = f"{_month_number(bulletin['month'])}月份，"
    platform = settings.platform_name
    first = (
        f"1. 诉求受理情况：{month_word}{platform}共受理各类诉求 {intake['total']}件。"
        f"其中，当月受理 {intake['received_this_month']}件，上月结转 {intake['carried_over']}件。"
        f"{platform}通过查询知识库、三方通话等方式直接办理 {intake['direct']}件，"
        f"交办服务工单 {intake['dispatched']}件"
    )
    rates = [
        (label, intake[key])
        for label, key in (
            ("按时办结率", "on_time_completion_rate"),
            ("及时签收率", "timely_sign_rate"),
            ("回访满意率", "satisfaction_rate"),
        )
        if intake[key] is not None
    ]
    first += "".join(f"，{label} {format_rate(value)}" for label, value in rates) + "。"
    quarantined = sum(bulletin["quarantined_rows"].values())
    if quarantined:
        first += f"另有 {quarantined}条报送数据不符合数据规范，已隔离核查，未纳入统计。"

    if bulletin["by_channel"]:
        channels = f"2. 诉求分类情况：按受理来源分，{month_word}{platform}" + _share_items(
            bulletin["by_channel"], _channel_label, "工单总数"
        )
    else:
        channels = f"2. 诉求分类情况：{month_word}{platform}未受理诉求。"
    blocks: list[Block] = [Heading(SECTION_HEADINGS[1]), numbered(first), numbered(channels)]
    if bulletin["by_category"]:
        blocks.append(
            Paragraph(
                "按受理类别分："
                + _share_items(bulletin["by_category"], lambda name, _first: _category_label(name), "总数")
            )
        )
    return blocks


# ---------------------------------------------------------------------------------------------
# 三、省派工单情况


def _province_change(bulletin: dict[str, Any]) -> str:
    change = bulletin["province"]["change"]
    if change is None or bulletin["province"]["previous_count"] is None:
        return f"因系统中无 {_previous_month_number(bulletin['month'])}月份工单数据，暂不与上月比较"
    if change > 0:
        return f"较上月增加 {change}件"
    if change < 0:
        return f"较上月减少 {-change}件"
    return "与上月持平"


def _province_on_time(province: dict[str, Any]) -> str:
    text = "（1）按时办结率。"
    if province["on_time_rate"] is None:
        return text + "本月无应办结的省派工单。"
    text += f"省派工单按时办结率 {format_rate(province['on_time_rate'])}。"
    full = province["units_all_on_time"]
    if len(full) == 1:
        text += f"{full[0]}为 100%。"
    elif full:
        text += _first_named(full) + "均为 100%。"
    late = province["units_late"]
    if late:
        pairs = [(u["unit_name"], f"{u['late']}件") for u in late]
        text += f"有 {len(late)}家单位存在未按时办结情况，分别为{_listing(pairs)}。"
    else:
        text += "各单位均按时办结。"
    return text


def _province_satisfaction(province: dict[str, Any], rules: BulletinRules) -> str:
    text = "（2）回访满意率。"
    if province["satisfaction_rate"] is None:
        return text + "本月无已回访的省派工单。"
    text += f"省派工单回访满意率 {format_rate(province['satisfaction_rate'])}。"
    clauses = []
    full = province["units_full_satisfaction"]
    if len(full) == 1:
        clauses.append(f"{full[0]}为 100%")
    elif full:
        clauses.append(_first_named(full) + "为 100%")
    below = province["units_below_98"]
    if below:
        pairs = [(u["unit_name"], format_rate(u["rate"])) for u in below[:LOWEST_NAMED]]
        lead = "较低的单位有" if len(below) > LOWEST_NAMED else "分别为"
        target = format_rate(rules.province_target)
        clauses.append(f"回访满意率低于 {target}的有 {len(below)}家单位，{lead}{_listing(pairs)}")
    else:
        clauses.append(f"各单位回访满意率均不低于 {format_rate(rules.province_target)}")
    return text + "，".join(clauses) + "。"


def _section_province(
    bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules
) -> list[Block]:
    province = bulletin["province"]
    month_word = f"{_month_number(bulletin['month'])}月份，"
    first = (
        f"1. 诉求受理情况：{month_word}{settings.province_platform_name}交办工单 {province['count']}件，"
        f"{_province_change(bulletin)}。"
    )
    supervision = f"国务院{LDQUO}互联网+督查{RDQUO}交办单"
    if province["supervision_count"]:
        first += f"其中，{supervision} {province['supervision_count']}件。"
    else:
        first += f"其中，无{supervision}。"
    blocks: list[Block] = [Heading(SECTION_HEADINGS[2]), numbered(first)]
    if not province["count"]:
        blocks.append(numbered("2. 诉求处办情况：本月无省派工单。"))
        return blocks
    top = [(u["unit_name"], f"{u['count']}件") for u in province["top_units"]]
    blocks.append(
        numbered(
            f"2. 诉求处办情况：{month_word}承办省派工单的成员单位共 {province['unit_count']}家，"
            f"工单数量较多的单位有{_listing(top)}。"
        )
    )
    blocks.append(item(_province_on_time(province)))
    blocks.append(item(_province_satisfaction(province, rules)))
    return blocks


# ---------------------------------------------------------------------------------------------
# 四、考评指标情况


def _lowest_sentence(label: str, entries: list[dict[str, Any]]) -> str:
    shown = [e for e in entries if e["rate"] is not None and e["rate"] < 100]
    if not shown:
        return f"{label}。各单位{label}均为 100%。"
    first, *rest = shown
    text = f"{label}。最低的单位为{glue(first['unit_name'], format_rate(first['rate']))}"
    if rest:
        text += "，其他较低的单位有" + _listing([(e["unit_name"], format_rate(e["rate"])) for e in rest])
    return text + "。"


def county_group(bulletin: dict[str, Any]) -> str:
    """The 考评组 of the counties: the group of the units scored on 数据质量 (else the first group)."""
    groups = [u["group"] for u in bulletin["unit_scores"] if u.get("data_quality") is not None]
    return groups[0] if groups else ranked_groups(bulletin)[0]


def data_quality_header(group: str) -> tuple[str, ...]:
    """The county 数据质量 table's header: the group's name over the names, then the items."""
    return (group, *DATA_QUALITY_ITEMS_HEADER)


def _section_indicators(bulletin: dict[str, Any], settings: BulletinSettings) -> list[Block]:
    month_word = f"{_month_number(bulletin['month'])}月份，"
    county = county_group(bulletin)
    county_heading = settings.group(county).heading
    quality = bulletin["quality"]
    blocks: list[Block] = [Heading(SECTION_HEADINGS[3])]

    rows = bulletin["data_quality"]
    if rows:
        first, *rest = rows
        parts = [glue(f"{first['unit_name']}数据质量得分为", f"{format_points(first['数据质量总分'])}分")]
        parts += [glue(r["unit_name"], f"{format_points(r['数据质量总分'])}分") for r in rest]
        blocks.append(numbered(f"1. {county_heading}数据质量情况：{month_word}" + "；".join(parts) + "。"))
        blocks.append(Caption(f"{county_heading}数据质量得分情况"))
        table_rows = tuple(
            (
                r["unit_name"],
                format_count(r["records"]),
                *(format_table_score(r[k]) for k in DATA_QUALITY_KEYS),
            )
            for r in rows
        )
        header = data_quality_header(county)
        blocks.append(
            Table(header, table_rows, kind="data_quality", numeric=(False, *(True,) * (len(header) - 1)))
        )
    else:
        blocks.append(numbered(f"1. {county_heading}数据质量情况：本月无{county}数据质量得分。"))

    blocks.append(
        numbered(
            f"2. 办件质效情况：{month_word}{settings.platform_name}办件质效总体情况较好，"
            f"承办量在平均水平以上的单位共有 {quality['above_average_units']}家，但个别单位仍存在一些问题。"
        )
    )
    blocks.append(item("（1）" + _lowest_sentence("及时签收率", quality["lowest_timely_sign"])))
    blocks.append(item("（2）" + _lowest_sentence("按时办结率", quality["lowest_on_time_completion"])))
    blocks.append(item("（3）" + _lowest_sentence("回访满意率", quality["lowest_satisfaction"])))
    if quality["reply_finding_units"]:
        blocks.append(
            item(
                "（4）答复规范。经抽查，本月存在工单办理情况答复不规范问题的单位共有 "
                f"{quality['reply_finding_units']}家。"
            )
        )
    else:
        blocks.append(item("（4）答复规范。经抽查，本月无存在工单办理情况答复不规范问题的单位。"))
    failed = quality["first_response_failed_units"]
    if failed:
        pairs = [(u["unit_name"], f"{u['failed']}件") for u in failed]
        blocks.append(
            item(f"（5）首次回应率。经抽查，本月未在规定时间内联系服务对象的单位有{_listing(pairs)}。")
        )
    else:
        blocks.append(item("（5）首次回应率。经抽查，本月无未在规定时间内联系服务对象的单位。"))

    blocks.append(numbered("3. 其他指标情况"))
    late = quality["knowledge_late_units"]
    if late:
        pairs = [(u["unit_name"], f"{u['late']}项") for u in late]
        blocks.append(item(f"（1）知识储备。本月未及时填报知识库内容的单位有{_listing(pairs)}。"))
    else:
        blocks.append(item("（1）知识储备。本月无未及时填报知识库内容的单位。"))
    deductions = quality["test_call_deductions"]
    if deductions:
        reasons: list[str] = []
        for unit in deductions:
            reasons += [r for r in unit["reasons"] if r not in reasons]
        text = (
            f"（2）实例拨测。本月实例拨测出现扣分情况的单位有{_names([u['unit_name'] for u in deductions])}"
        )
        if reasons:
            text += f"，扣分点主要集中在{cjk_space(_names(reasons))}等"
    else:
        text = "（2）实例拨测。本月实例拨测未发现扣分情况"
    blocks.append(item(text + _duty_phone_clause(quality) + "。"))
    return blocks


def _year_to_date(bulletin: dict[str, Any], settings: BulletinSettings) -> list[Block]:
    """Section 一's last part, after the month's rankings: the year to date (compose_year.py);
    nothing for figures written before `year_to_date` existed."""
    if "year_to_date" not in bulletin:
        return []
    return year_to_date_blocks(bulletin, settings, len(ranked_groups(bulletin)) + 1)


def _duty_phone_clause(quality: dict[str, Any]) -> str:
    """`；成员单位值班电话实例拨测未发现存在接听服务不规范的单位` as published, or the units whose
    duty phone failed a test call; nothing when no duty phone was called (or figures without it)."""
    duty = quality.get("duty_calls")
    if not duty or not duty["calls"]:
        return ""
    failed = duty["failed_units"]
    if not failed:
        return "；成员单位值班电话实例拨测未发现存在接听服务不规范的单位"
    pairs = [(u["unit_name"], f"{u['failed']}次") for u in failed]
    return f"；成员单位值班电话实例拨测发现{_listing(pairs)}存在接听服务不规范情况"


def _charts(section: int) -> list[Block]:
    return [ChartRef(key, CHART_TITLES[key]) for key, where in CHART_SECTIONS.items() if where == section]


def compose_bulletin(bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules) -> Document:
    """The bulletin of the figures `bulletin` (bulletin.json's dict) as blocks: the header, the
    opening paragraph, sections 一 to 四 (rulebook thresholds from `rules`), each section's charts."""
    month = bulletin["month"]
    published = settings.publication_date(month)
    info = DocumentInfo(
        title=bulletin_title(bulletin, settings),
        author=settings.center_name,
        subject=f"{month} {TITLE_TAIL}",
        keywords=f"12345; 绩效考评; {month}; rulebook {bulletin['rulebook_version']}",
        date=published,
        footer=f"{settings.center_name} · {month} · 考评标准版本 {bulletin['rulebook_version']}",
    )
    blocks = [
        *_header(bulletin, settings),
        *_section_scores(bulletin, settings, rules),
        *_charts(1),
        *_year_to_date(bulletin, settings),
        *_section_intake(bulletin, settings),
        *_charts(2),
        *_section_province(bulletin, settings, rules),
        *_charts(3),
        *_section_indicators(bulletin, settings),
        *_charts(4),
    ]
    return Document(info=info, blocks=tuple(blocks))
