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
- assets.py      the Dagster assets: `bulletin` and `unit_report_cards`

The names below are imported on first use (PEP 562), so that the code location's definitions,
which import `assets.py`, do not load the Word, Excel and chart writers until a month is written.
"""

from importlib import import_module

#: public name → the module that defines it
_EXPORTS = {
    "compose_bulletin": "compose",
    "BulletinConfigError": "config",
    "BulletinSettings": "config",
    "load_settings": "config",
    "Document": "document",
    "BulletinDataError": "figures",
    "build_bulletin": "figures",
    "render_markdown": "markdown",
    "BulletinRules": "rules",
    "read_rules": "rules",
    "BulletinFiles": "writer",
    "write_bulletin": "writer",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"pipelines.bulletin.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'pipelines.bulletin' has no attribute {name!r}")


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
