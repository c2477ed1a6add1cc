"""Stray quotes in a CSV export: never let a quote swallow rows.

An export written without CSV quoting, where one 诉求内容 starts with `"` and another holds a single
`"` a few rows later, parses as one row whose text cell holds the rows in between: rows vanish
while every count agrees. Before a file with a `"` is loaded, every cell is checked for a line
break followed by a whole line that looks like a record (at least as many commas as the header has
columns minus one). When one is found, or the file cannot be parsed with quoting at all, the file
is read again with the quote as ordinary text: if every physical line then has the header's
number of fields, that is how the export was written (the quote is text, no row is lost);
otherwise the load fails naming the line where the quote opens.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.ingest.errors import InputFileError

CHUNK_BYTES = 1 << 20
SCAN_BLOCK_BYTES = 4 << 20
STRAY_FIX = (
    "export the file again with CSV quoting (Excel 'CSV UTF-8' quotes cells that hold commas, quotes "
    "or line breaks), or remove the quote character from that cell"
)


@dataclass(frozen=True)
class QuoteMode:
    """How the file is parsed: quotes honoured (the CSV standard) or read as text."""

    quoted: bool
    note: str | None = None


QUOTED = QuoteMode(quoted=True)


def has_quote(path: Path, start: int = 0) -> bool:
    """Whether the file holds a `"` at or after byte `start` (a fast scan, no decoding)."""
    with open(path, "rb") as handle:
        handle.seek(start)
        while chunk := handle.read(CHUNK_BYTES):
            if b'"' in chunk:
                return True
    return False


def parse_options(quoted: bool) -> pacsv.ParseOptions:
    if quoted:  # content may hold line breaks inside quoted cells
        return pacsv.ParseOptions(newlines_in_values=True)
    return pacsv.ParseOptions(quote_char=False, newlines_in_values=False)


def _scan(path: Path, encoding: str, skip_rows: int, width: int, quoted: bool) -> int:
    """Read every cell as text (no column kept); the number of cells with a swallowed record line.

    Raises pyarrow's error when the file cannot be parsed this way.
    """
    commas = max(width - 1, 1)
    swallowed = rf"[\r\n](?:[^\r\n,]*,){{{commas}}}[^\r\n]*[\r\n]"
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            encoding=encoding,
            skip_rows=skip_rows + 1,
            autogenerate_column_names=True,
            block_size=SCAN_BLOCK_BYTES,
        ),
        parse_options=parse_options(quoted),
        convert_options=pacsv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(width)}, strings_can_be_null=False
        ),
    )
    found = 0
    try:
        for batch in reader:
            if not quoted:
                continue
            for column in batch.columns:
                if column.type != pa.string():
                    continue
                found += int(pc.sum(pc.match_substring_regex(column, swallowed)).as_py() or 0)
    finally:
        reader.close()
    return found


def _opening_line(path: Path, text_encoding: str, header_line: int, width: int) -> int | None:
    """The physical line where a quoted cell swallowing a record-like line starts (csv module)."""
    with open(path, encoding=text_encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        previous_end = 0
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if start <= header_line:
                continue
            for cell in row:
                lines = cell.splitlines()
                if len(lines) > 1 and any(line.count(",") >= width - 1 for line in lines[1:]):
                    return start
            if len(row) != width and len(row) > 1:
                return start
    return None


def quote_mode(
    path: Path, arrow_encoding: str, text_encoding: str, header_line: int, width: int
) -> QuoteMode:
    """How to parse the file after its header at `header_line` (1-based) with `width` columns."""
    skip_rows = header_line - 1
    if not has_quote(path):
        return QUOTED
    try:
        if _scan(path, arrow_encoding, skip_rows, width, quoted=True) == 0:
            return QUOTED
    except (pa.ArrowInvalid, UnicodeDecodeError):
        pass  # a quote never closed, or a field count broken by quoting: try quotes as text
    opening = _opening_line(path, text_encoding, header_line, width)
    try:
        _scan(path, arrow_encoding, skip_rows, width, quoted=False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if opening is None:
            raise
        raise InputFileError(
            path,
            f'a quote (") opens a cell at line {opening} and swallows the lines after it, which look '
            "like rows; read as text instead, the lines do not all have the header's "
            f"{width} fields",
            STRAY_FIX,
        ) from exc
    where = f" (first at line {opening})" if opening else ""
    return QuoteMode(
        quoted=False,
        note=(
            'the export does not quote its cells and holds a stray quote (")'
            + where
            + ": quotes were read as text, every line is one row"
        ),
    )


def count_lines(path: Path, skip_rows: int) -> int:
    """Non-empty physical lines after the first `skip_rows` + 1 (the header): rows when unquoted."""
    with open(path, "rb") as handle:
        data_lines = 0
        for number, line in enumerate(handle, start=1):
            if number > skip_rows + 1 and line.strip(b"\r\n"):
                data_lines += 1
    return data_lines
