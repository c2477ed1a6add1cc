"""Write `<output>/<YYYY-MM>/bulletin.json` and `bulletin.md` for one month, atomically.

Everything is computed and rendered in memory first; each file is then written to a temporary
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

from pipelines.bulletin.config import load_settings
from pipelines.bulletin.figures import build_bulletin
from pipelines.bulletin.markdown import render_markdown

JSON_NAME = "bulletin.json"
MARKDOWN_NAME = "bulletin.md"


@dataclass(frozen=True)
class BulletinFiles:
    directory: Path
    json_path: Path
    markdown_path: Path
    bulletin: dict[str, Any]


def bulletin_json(bulletin: dict[str, Any]) -> str:
    """UTF-8 JSON text, Chinese kept readable; a Decimal (or any non-JSON value) raises TypeError."""
    return json.dumps(bulletin, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary sibling and a rename (same filesystem)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_bulletin(
    con: duckdb.DuckDBPyConnection, month: str, output_dir: Path, settings_path: Path
) -> BulletinFiles:
    """Build the bulletin of `month` from the marts and write its JSON and Markdown files."""
    settings = load_settings(settings_path)
    bulletin = build_bulletin(con, month)
    json_text = bulletin_json(bulletin)
    markdown_text = render_markdown(bulletin, settings)

    directory = Path(output_dir) / month
    json_path = directory / JSON_NAME
    markdown_path = directory / MARKDOWN_NAME
    write_atomic(json_path, json_text)
    write_atomic(markdown_path, markdown_text)
    return BulletinFiles(
        directory=directory, json_path=json_path, markdown_path=markdown_path, bulletin=bulletin
    )
