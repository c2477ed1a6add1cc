"""The documents of a bulletin beside bulletin.json and bulletin.md, rendered in memory.

`render_documents` turns the bulletin dict (`build_bulletin`), its Markdown text (`render_markdown`)
and the platform's rates of earlier months into the bytes of every other file:
`bulletin.docx`, `bulletin.xlsx`, `bulletin.html` and `charts/*.png`. The writer then writes them
atomically (writer.py). Nothing here reads the warehouse except through `history`, and nothing
recomputes a figure: the text is the Markdown's, the numbers are the dict's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.bulletin.blocks import parse_blocks
from pipelines.bulletin.charts import Chart, rate_series, render_charts
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.docx_writer import render_docx
from pipelines.bulletin.html_writer import render_html
from pipelines.bulletin.xlsx_writer import render_xlsx

DOCX_NAME = "bulletin.docx"
XLSX_NAME = "bulletin.xlsx"
HTML_NAME = "bulletin.html"
CHARTS_DIR = "charts"


@dataclass(frozen=True)
class Documents:
    #: path relative to the month's folder → content
    files: dict[str, bytes]
    charts: list[Chart]


def render_documents(
    bulletin: dict[str, Any], markdown: str, settings: BulletinSettings, history: list[dict[str, Any]]
) -> Documents:
    """Every document of the bulletin as bytes (CJKFontMissingError when no CJK font is installed)."""
    title = next((b.text for b in parse_blocks(markdown) if b.kind == "title"), bulletin["month"])
    series = rate_series(bulletin, history)
    charts = render_charts(bulletin, series)
    files = {f"{CHARTS_DIR}/{chart.file_name}": chart.png for chart in charts}
    files[DOCX_NAME] = render_docx(bulletin, markdown, settings)
    files[XLSX_NAME] = render_xlsx(bulletin, settings, title, series)
    files[HTML_NAME] = render_html(bulletin, markdown, settings, charts).encode("utf-8")
    return Documents(files=files, charts=charts)
