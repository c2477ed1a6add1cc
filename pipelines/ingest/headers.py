"""Match a file's header to the contract's columns (English or Chinese names)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import Column, InputSpec
from pipelines.ingest.errors import InputFileError

BOM = "\ufeff"


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


def clean_header(value: object) -> str:
    """Header text without surrounding whitespace (full-width too) or byte-order mark."""
    if value is None:
        return ""
    return str(value).replace(BOM, "").strip()


def column_label(column: Column) -> str:
    """`'received_at' (受理时间)`: how messages name a contract column."""
    return f"'{column.name}' ({column.chinese})" if column.chinese else f"'{column.name}'"


def _lookup(spec: InputSpec) -> dict[str, Column]:
    """Accepted header spellings -> column: lower-cased English names and exact Chinese names."""
    table: dict[str, Column] = {}
    for column in spec.columns:
        table[column.name.lower()] = column
        if column.chinese:
            table[column.chinese] = column
    return table


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
        column = lookup.get(text) or lookup.get(text.lower())
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
    return HeaderMap(positions, file_names, tuple(ignored), absent)
