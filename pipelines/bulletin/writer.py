"""Write the bulletin files of one month under `<output>/<YYYY-MM>/`, atomically.

bulletin.json (the dict of `build_bulletin`), the Document composed once from it (compose.py), then
bulletin.md and (documents.py) bulletin.docx, bulletin.xlsx, bulletin.html and charts/*.png, all
rendered from those blocks and that dict. Everything is computed and rendered in
memory first; each file is then written to a temporary
file in the same directory, flushed to disk and renamed over the target. A failing run leaves the
previous files (or none) in place, never a half-written one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines.bulletin.charts import read_rate_history
from pipelines.bulletin.compose import compose_bulletin
from pipelines.bulletin.config import load_settings
from pipelines.bulletin.documents import DOCX_NAME, HTML_NAME, XLSX_NAME, render_documents
from pipelines.bulletin.figures import build_bulletin
from pipelines.bulletin.markdown import render_document_markdown
from pipelines.bulletin.rules import read_rules
from pipelines.bulletin.versions import VersionOutcome, begin, finish

JSON_NAME = "bulletin.json"
MARKDOWN_NAME = "bulletin.md"


@dataclass(frozen=True)
class BulletinFiles:
    directory: Path
    json_path: Path
    markdown_path: Path
    bulletin: dict[str, Any]
    docx_path: Path | None = None
    xlsx_path: Path | None = None
    html_path: Path | None = None
    chart_paths: tuple[Path, ...] = ()
    #: the published version the top folder now holds, and what changed (bulletin/versions.py)
    version: VersionOutcome | None = None


def bulletin_json(bulletin: dict[str, Any]) -> str:
    """UTF-8 JSON text, Chinese kept readable; a Decimal (or any non-JSON value) raises TypeError."""
    return json.dumps(bulletin, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` (UTF-8) or bytes to `path` via a temporary sibling and a rename (same filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; the bulletin is shared with the staff who publish it
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bulletin(
    con: duckdb.DuckDBPyConnection, month: str, output_dir: Path, settings_path: Path
) -> BulletinFiles:
    """Build the bulletin of `month` from the marts and write every file of it.

    The files are a published version (bulletin/versions.py): when the figures differ from the
    latest version's, they become the next version and corrections.json/.md list what changed.
    """
    settings = load_settings(settings_path)
    bulletin = build_bulletin(con, month)
    rules = read_rules(con, month)
    json_text = bulletin_json(bulletin)
    document = compose_bulletin(bulletin, settings, rules)
    markdown_text = render_document_markdown(document)
    documents = render_documents(document, bulletin, settings, rules, read_rate_history(con, month))

    directory = Path(output_dir) / month
    json_path = directory / JSON_NAME
    markdown_path = directory / MARKDOWN_NAME
    pending = begin(directory, json.loads(json_text))
    for relative, data in documents.files.items():
        write_atomic(directory / relative, data)
    write_atomic(json_path, json_text)
    write_atomic(markdown_path, markdown_text)
    version = finish(directory, month, pending)
    return BulletinFiles(
        directory=directory,
        json_path=json_path,
        markdown_path=markdown_path,
        bulletin=bulletin,
        docx_path=directory / DOCX_NAME,
        xlsx_path=directory / XLSX_NAME,
        html_path=directory / HTML_NAME,
        chart_paths=tuple(directory / r for r in documents.files if r.startswith("charts/")),
        version=version,
    )
