"""The files of a trial scoring (bulletin.md, 试算): `<YYYY-MM>.json`, `.md` and `.xlsx` of a month.

The JSON lists every ranked unit `{"unit_code", "unit_name", "group", "score", "rank",
"draft_score", "draft_rank"}` (published figures, then the draft's), by group, published rank,
unit_code. The Markdown and the workbook show the units whose rank moves.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font

from pipelines.bulletin.formatting import format_points
from pipelines.bulletin.writer import write_atomic

if TYPE_CHECKING:
    from pipelines.whatif.scoring import UnitComparison, WhatifMonth

HEADER = ("考评组", "单位", "原得分", "原排名", "试算得分", "试算排名", "名次变化")


def _move(unit: UnitComparison) -> str:
    if unit.rank is None or unit.draft_rank is None:
        return "—"
    delta = unit.rank - unit.draft_rank
    return f"上升{delta}位" if delta > 0 else f"下降{-delta}位"


def _points(value: float | None) -> str:
    return "—" if value is None else format_points(value)


def render_markdown(result: WhatifMonth) -> str:
    year, number = result.month[:4], int(result.month[5:7])
    lines = [
        f"# {year}年{number}月份考评试算：{result.draft_name}",
        "",
        f"按试算规则（{result.draft_name}，版本 {result.draft_version}）重新计算{year}年{number}月份得分，"
        f"与已发布结果（规则版本 {result.published_version or '—'}）比较："
        f"{len(result.units)}家参与排名的单位中，"
        f"{len(result.moves)}家名次变化。",
        "",
    ]
    if result.moves:
        lines += ["| " + " | ".join(HEADER) + " |", "|---|---|---:|---:|---:|---:|---|"]
        for u in result.moves:
            lines.append(
                f"| {u.group} | {u.unit_name} | {_points(u.score)} | {u.rank or '—'} | "
                f"{_points(u.draft_score)} | {u.draft_rank or '—'} | {_move(u)} |"
            )
    else:
        lines.append("各单位名次均无变化。")
    return "\n".join(lines) + "\n"


def render_xlsx(result: WhatifMonth) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名次变化"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for u in result.moves:
        sheet.append([u.group, u.unit_name, u.score, u.rank, u.draft_score, u.draft_rank, _move(u)])
    for letter, width in zip("ABCDEFG", (16, 26, 10, 9, 10, 9, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_reports(result: WhatifMonth, folder: Path) -> dict[str, Path]:
    """Write the month's three files under `folder` (`<output>/whatif/<draft name>/`)."""
    paths = {ext: folder / f"{result.month}.{ext}" for ext in ("json", "md", "xlsx")}
    units = [u.as_dict() for u in result.units]
    write_atomic(paths["json"], json.dumps(units, ensure_ascii=False, indent=2) + "\n")
    write_atomic(paths["md"], render_markdown(result))
    write_atomic(paths["xlsx"], render_xlsx(result))
    return paths
