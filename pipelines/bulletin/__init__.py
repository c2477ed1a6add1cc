"""The monthly bulletin (绩效考评情况通报): figures from the marts, one document model, every format.

- config.py      publication settings (config/bulletin.yaml)
- rules.py       the month's rulebook thresholds and ranked groups the wording depends on
- formatting.py  decimal rounding and the printed forms of rates, points and scores
- figures.py     build_bulletin(con, month): the dict of bulletin.json, read from the marts
- document.py    the document model: typed blocks (heading, paragraph, table, note, chart, …)
- compose.py     compose_bulletin(figures, settings, rules): the bulletin as a Document
- markdown.py    bulletin.md from a Document (render_markdown: the bulletin's text)
- docx_writer.py, html_writer.py (+ templates/document.html.j2), xlsx_writer.py, charts.py:
  bulletin.docx, bulletin.html, bulletin.xlsx, charts/*.png (documents.py; docs/documents.md)
- escaping.py    input text made safe for each format
- writer.py      write_bulletin(con, month, output_dir, settings_path): every file, atomically
- metadata.py    what the `bulletin` asset shows in the Dagster UI
"""

from pipelines.bulletin.compose import compose_bulletin
from pipelines.bulletin.config import BulletinConfigError, BulletinSettings, load_settings
from pipelines.bulletin.document import Document
from pipelines.bulletin.figures import BulletinDataError, build_bulletin
from pipelines.bulletin.markdown import render_markdown
from pipelines.bulletin.rules import BulletinRules, read_rules
from pipelines.bulletin.writer import BulletinFiles, write_bulletin

__all__ = [
    "BulletinConfigError",
    "BulletinDataError",
    "BulletinFiles",
    "BulletinRules",
    "BulletinSettings",
    "Document",
    "build_bulletin",
    "compose_bulletin",
    "load_settings",
    "read_rules",
    "render_markdown",
    "write_bulletin",
]
