"""The bulletin's year-to-date part (年度累计, rules.md "Year to date"), as document blocks.

Placed in section 一 after the month's rankings: a numbered paragraph naming the months counted and
how the score is taken, then per ranked group a caption, the table (单位 / 考评月数 / 累计得分 /
排名, two units a row as the month's tables) and the group's chart of its units over the months
(year_charts.py). Every figure is a value of bulletin.json's `year_to_date`.
"""

from __future__ import annotations

from typing import Any

from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.document import Block, Caption, ChartRef, Paragraph, Table, numbered
from pipelines.bulletin.formatting import glue
from pipelines.bulletin.ranking_tables import two_up_table
from pipelines.bulletin.year_charts import group_chart_title, months_label, year_chart_key

YEAR_COLUMNS = ("单位", "考评月数", "累计得分", "排名")


def year_table(ranking: list[dict[str, Any]]) -> Table:
    """The year-to-date ranking of one group: 单位 / 考评月数 / 累计得分 / 排名, two units a row."""
    return two_up_table(ranking, YEAR_COLUMNS, "months_ranked", kind="year_ranking")


def year_to_date_blocks(bulletin: dict[str, Any], settings: BulletinSettings, index: int) -> list[Block]:
    """The numbered paragraph `index`, then each group's caption, table and chart."""
    year = bulletin["year_to_date"]
    months = year["months"]
    span = months_label(months)
    listed = "、".join(f"{int(m[5:])}月" for m in months)
    intro = (
        f"{index}. 年度累计情况：{span}累计得分为各单位参与排名月份考评总分的平均值"
        f"（已计入 {listed}），按累计得分排名；得分相同的，参与排名月份多的在前。"
    )
    blocks: list[Block] = [numbered(intro)]
    for position, (group, ranking) in enumerate(year["rankings"].items(), start=1):
        heading = settings.group(group).heading
        blocks.append(Caption(glue(heading, f"{span}累计得分情况")))
        if ranking:
            blocks.append(year_table(ranking))
            blocks.append(ChartRef(year_chart_key(position), group_chart_title(group, months)))
        else:
            blocks.append(Paragraph("本年度无参与排名的单位。"))
    return blocks
