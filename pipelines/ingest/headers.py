"""Match a file's header to the contract's columns (English or Chinese names)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import Column, InputSpec
from pipelines.ingest.errors import InputFileError

BOM = "\ufeff"
#: whitespace anywhere in a header (a merged cell "受理\n时间", "order id"), BOM and zero-width marks
_HEADER_NOISE = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]+")
#: a required-field marker some templates put before or after a header ("*工单编号")
_REQUIRED_MARK = re.compile(r"^[*＊]+|[*＊]+$")


@dataclass(frozen=True)
class HeaderMap:
    """Where each contract column sits in the file's header."""

    #: English column name -> 0-based position in the header
    positions: dict[str, int]
    #: English column name -> the header text as written in the file
    file_names: dict[str, str]
    #: header names that match no contract column (not loaded)
    ignored: tuple[str, ...]
    #: optional contract columns the header lacks (loaded as all-null)
    absent: tuple[str, ...]
    #: number of cells in the header row (empty ones included)
    width: int = 0


def clean_header(value: object) -> str:
    """Header text without surrounding whitespace (full-width too) or byte-order mark."""
    if value is None:
        return ""
    return str(value).replace(BOM, "").strip()


def header_key(value: object) -> str:
    """The spelling-independent form a header is matched by: NFKC (full-width letters and brackets
    become ASCII), lower case, no whitespace, BOM, zero-width marks or leading/trailing `*`."""
    text = unicodedata.normalize("NFKC", clean_header(value)).lower()
    return _REQUIRED_MARK.sub("", _HEADER_NOISE.sub("", text))


def column_label(column: Column) -> str:
    """`'received_at' (受理时间)`: how messages name a contract column."""
    return f"'{column.name}' ({column.chinese})" if column.chinese else f"'{column.name}'"


def _lookup(spec: InputSpec) -> dict[str, Column]:
    """Accepted header spellings (as `header_key`) -> column: the English and the Chinese names."""
    table: dict[str, Column] = {}
    for column in spec.columns:
        table[header_key(column.name)] = column
        if column.chinese:
            table[header_key(column.chinese)] = column
    return table


def matching_columns(spec: InputSpec, row: Sequence[object]) -> int:
    """How many distinct contract columns a row's cells name (0 for a title or a data row)."""
    lookup = _lookup(spec)
    return len({lookup[key].name for key in map(header_key, row) if key in lookup})


def map_header(path: Path, spec: InputSpec, header: Sequence[object]) -> HeaderMap:
    """Map a header row to the contract; raise InputFileError for a missing or doubled column."""
    lookup = _lookup(spec)
    positions: dict[str, int] = {}
    file_names: dict[str, str] = {}
    ignored: list[str] = []
    for position, raw in enumerate(header):
        text = clean_header(raw)
        if not text:
            continue
        column = lookup.get(header_key(text))
        if column is None:
            ignored.append(text)
            continue
        if column.name in positions:
            first = file_names[column.name]
            raise InputFileError(
                path,
                f"the header has two columns for {column_label(column)}: '{first}' and '{text}'",
                "keep only one of them in the export",
            )
        positions[column.name] = position
        file_names[column.name] = text
    missing = [c for c in spec.columns if c.required_in_header and c.name not in positions]
    if missing:
        labels = ", ".join(column_label(c) for c in missing)
        found = ", ".join(f"'{clean_header(h)}'" for h in header if clean_header(h)) or "none"
        what = "the required column" if len(missing) == 1 else "the required columns"
        verb = "is" if len(missing) == 1 else "are"
        raise InputFileError(
            path,
            f"{what} {labels} {verb} missing (columns found: {found})",
            "export the column, with the English or the Chinese header"
            if len(missing) == 1
            else "export the columns, with the English or the Chinese headers",
        )
    absent = tuple(c.name for c in spec.columns if c.name not in positions)
    return HeaderMap(positions, file_names, tuple(ignored), absent, width=len(header))
