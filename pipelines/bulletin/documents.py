"""The documents of a bulletin beside bulletin.json and bulletin.md, rendered in memory.

`render_documents` takes the bulletin's Document (compose.py, built once from the figures), the
figures themselves (the dict of `build_bulletin`, for the workbook and the charts), the month's
rulebook thresholds and the platform's rates of earlier months, and returns the bytes of every
other file: `bulletin.docx`, `bulletin.xlsx`, `bulletin.html` and `charts/*.png`. The writer then
writes them atomically (writer.py). Nothing here reads the warehouse except through `history`,
and nothing recomputes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.bulletin.charts import Chart, rate_series, render_charts
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.document import Document
from pipelines.bulletin.docx_writer import render_docx
from pipelines.bulletin.html_writer import render_html
from pipelines.bulletin.rules import BulletinRules
from pipelines.bulletin.xlsx_writer import render_xlsx
from pipelines.bulletin.year_charts import year_group_charts

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
    document: Document,
    bulletin: dict[str, Any],
    settings: BulletinSettings,
    rules: BulletinRules,
    history: list[dict[str, Any]],
) -> Documents:
    """Every document of the bulletin as bytes (CJKFontMissingError when no CJK font is installed)."""
    series = rate_series(bulletin, history)
    charts = render_charts(bulletin, series, rules)
    if "year_to_date" in bulletin:
        charts += year_group_charts(bulletin)
    files = {f"{CHARTS_DIR}/{chart.file_name}": chart.png for chart in charts}
    files[DOCX_NAME] = render_docx(document)
    files[XLSX_NAME] = render_xlsx(bulletin, settings, document.title, series)
    files[HTML_NAME] = render_html(document, charts).encode("utf-8")
    return Documents(files=files, charts=charts)
