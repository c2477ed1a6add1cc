"""The monthly bulletin (绩效考评情况通报): figures from the marts, bulletin.json and bulletin.md.

- config.py      publication settings (config/bulletin.yaml)
- formatting.py  decimal rounding and the printed forms of rates, points and scores
- figures.py     build_bulletin(con, month): the dict of bulletin.json, read from the marts
- markdown.py    render_markdown(bulletin, settings): the text of bulletin.md
- writer.py      write_bulletin(con, month, output_dir, settings_path): every file, atomically
- documents.py   render_documents: bulletin.docx, .xlsx, .html and charts/*.png in memory
  (blocks.py, docx_writer.py, xlsx_writer.py, html_writer.py, charts.py, fonts.py; docs/documents.md)
- metadata.py    what the `bulletin` asset shows in the Dagster UI
"""

from pipelines.bulletin.config import BulletinConfigError, BulletinSettings, load_settings
from pipelines.bulletin.figures import BulletinDataError, build_bulletin
from pipelines.bulletin.markdown import render_markdown
from pipelines.bulletin.writer import BulletinFiles, write_bulletin

__all__ = [
    "BulletinConfigError",
    "BulletinDataError",
    "BulletinFiles",
    "BulletinSettings",
    "build_bulletin",
    "load_settings",
    "render_markdown",
    "write_bulletin",
]
