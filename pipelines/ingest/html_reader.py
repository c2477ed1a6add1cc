"""Read an HTML table saved as `.xls` (what many older government systems export) with lxml.

The file is decoded first (a BOM, then the `<meta charset>`, then UTF-8 or GB18030, as detected
for CSV), then parsed by lxml's HTML parser; the first `<table>` holding the header is read, a
cell's `colspan` repeated as empty cells so columns stay aligned (a merged title row is one cell).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html

from pipelines.contract import InputSpec
from pipelines.ingest.encoding import GB18030, UTF8
from pipelines.ingest.errors import InputFileError, describe_exception
from pipelines.ingest.header_search import HEADER_SEARCH_ROWS
from pipelines.ingest.headers import matching_columns
from pipelines.ingest.sheet_reader import NumberedRow, open_sheet_rows
from pipelines.ingest.stream import InputStream

FIX = "open it in Excel and save it as .xlsx, or export the table as CSV"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
#: charsets Chinese systems declare that GB18030 decodes as a superset
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn"}


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file are HTML (what `.xls` exports from web systems often are)."""
    text = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    return text.startswith(
        (b"<!doctype html", b"<html", b"<table", b"<meta", b"<?xml", b"<head", b"<body")
    ) or (b"<table" in text[:4096] and text.startswith(b"<"))


def decode_html(path: Path, data: bytes) -> str:
    """The text of an HTML file: BOM, declared charset, else UTF-8, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode(UTF8, errors="replace")
    declared = _CHARSET.search(data[:4096])
    candidates = []
    if declared:
        name = declared.group(1).decode("ascii").lower()
        candidates.append(GB18030 if name in _GB_FAMILY else name)
    candidates += [UTF8, GB18030]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputFileError(path, "the HTML table is neither UTF-8 nor GB18030 (GBK) text", FIX)


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    return " ".join(cell.text_content().split())


def _span(cell: lxml.html.HtmlElement) -> int:
    try:
        return max(1, min(int(cell.get("colspan", "1")), 1000))
    except ValueError:
        return 1


def table_rows(table: lxml.html.HtmlElement) -> list[list[str]]:
    """Every row of a table as cell texts, a colspan repeated as empty cells."""
    rows = []
    for tr in table.iter("tr"):
        cells: list[str] = []
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            cells.append(_cell_text(cell))
            cells.extend("" for _ in range(_span(cell) - 1))
        rows.append(cells)
    return rows


def _pick_table(spec: InputSpec, tables: list[lxml.html.HtmlElement]) -> list[list[str]]:
    best: list[list[str]] = []
    best_score = -1
    for table in tables:
        rows = table_rows(table)
        score = max((matching_columns(spec, row) for row in rows[:HEADER_SEARCH_ROWS]), default=0)
        if score > best_score:
            best, best_score = rows, score
    return best


def open_html_input(path: Path, spec: InputSpec, batch_rows: int) -> InputStream:
    """The table of an HTML `.xls` export (the one that holds the contract's header) as an InputStream."""
    data = path.read_bytes()
    text = decode_html(path, data)
    try:
        document = lxml.html.document_fromstring(text)
    except Exception as exc:  # ParserError on an empty document
        raise InputFileError(
            path, f"the file looks like HTML but cannot be parsed: {describe_exception(exc)}", FIX
        ) from exc
    tables = document.xpath("//table")
    if not tables:
        raise InputFileError(path, "the file is HTML (a web page saved as .xls) but holds no table", FIX)
    rows = _pick_table(spec, tables)

    def numbered() -> Iterator[NumberedRow]:
        yield from enumerate(rows, start=1)

    return open_sheet_rows(
        path,
        spec,
        numbered(),
        "xls (html)",
        batch_rows,
        lambda exc, before: InputFileError(
            path, f"the HTML table cannot be read: {describe_exception(exc)}", FIX
        ),
        lambda: None,
    )
