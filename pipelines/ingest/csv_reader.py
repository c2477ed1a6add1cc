"""Stream a CSV export (UTF-8 with or without BOM, or GB18030/GBK) with pyarrow's CSV reader.

Before the rows are streamed: the encoding is detected and checked for a change inside the file
(`mixed_encoding`), the header is found below any title or export-info lines (`header_search`),
and a file holding a `"` is checked for quotes that would swallow rows (`csv_quotes`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.contract import InputSpec
from pipelines.ingest.batches import assemble_batch, row_numbers
from pipelines.ingest.csv_quotes import QuoteMode, count_lines, parse_options, quote_mode
from pipelines.ingest.encoding import GB18030, REEXPORT, UTF8, UTF8_BOM, detect_csv_encoding
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.header_search import HEADER_SEARCH_ROWS, find_header
from pipelines.ingest.mixed_encoding import (
    check_single_encoding,
    explain_mixed_encodings,
    first_undecodable_line,
)
from pipelines.ingest.stream import InputStream

#: bytes pyarrow parses at a time; its read-ahead keeps a few dozen blocks, so this bounds memory
BLOCK_BYTES = 4 << 20
#: bytes decoded to look for the header below title lines
HEAD_BYTES = 256 << 10

EMPTY_FIX = "export the table with its header row (an input with no rows still needs the header)"
_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


def _arrow_encoding(encoding: str) -> str:
    # pyarrow reads UTF-8 natively and skips a UTF-8 BOM itself; anything else is transcoded
    return "utf8" if encoding.startswith("utf-8") else encoding


def _parse_error(path: Path, exc: Exception, rows_before: int, encoding: str) -> InputFileError:
    """An InputFileError for a failure while parsing; never quotes the row (it may hold personal data)."""
    where = f"after data row {rows_before}" if rows_before else "in the first rows"
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in str(exc):
        located = first_undecodable_line(path, encoding)
        if located is not None:
            return located
        read_as = "GB18030" if encoding == GB18030 else "UTF-8"
        return InputFileError(
            path,
            f"undecodable bytes {where}: the file starts as {read_as} but is not {read_as} throughout",
            REEXPORT,
        )
    message = str(exc)
    if "Empty CSV file" in message:
        return InputFileError(path, "the file is empty (no header row)", EMPTY_FIX)
    counts = _FIELD_COUNT.search(message)
    if counts:
        expected, got = counts.groups()
        return InputFileError(
            path,
            f"a row {where} has {got} fields where the header has {expected}",
            "quote cells that contain commas, quotes or line breaks (re-export the file as CSV)",
        )
    # keep `CSV parse error: <reason>`, drop anything after it (pyarrow appends the row's text)
    reason = ": ".join(message.splitlines()[0].split(": ")[:2]) if message else type(exc).__name__
    return InputFileError(path, f"the CSV cannot be parsed {where} ({reason})", "re-export the file as CSV")


def _head_records(path: Path, encoding: str) -> list[tuple[int, list[str]]]:
    """(first physical line, cells) of the first records, parsed by the csv module."""
    with open(path, "rb") as handle:
        data = handle.read(HEAD_BYTES)
    decoder = codecs.getincrementaldecoder(UTF8_BOM if encoding.startswith("utf-8") else encoding)(
        errors="replace"
    )
    text = decoder.decode(data, final=False)
    if len(data) == HEAD_BYTES:  # the last line may be cut: drop it
        text = text[: text.rfind("\n") + 1] or text
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for row in reader:
            records.append((previous_end + 1, row))
            previous_end = reader.line_num
            if len(records) >= HEADER_SEARCH_ROWS * 3:
                break
    except csv.Error:
        pass  # a quote left open in the sample: the records so far are enough to find the header
    return records


def _batches(
    path: Path,
    spec: InputSpec,
    reader: pacsv.CSVStreamingReader,
    wanted: dict[str, str],
    batch_rows: int,
    encoding: str,
    mode: QuoteMode,
    skip_rows: int,
) -> Iterator[pa.RecordBatch]:
    rows = 0
    try:
        while True:
            try:
                block = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowException, UnicodeDecodeError) as exc:
                raise _parse_error(path, exc, rows, encoding) from exc
            for start in range(0, block.num_rows, batch_rows):
                part = block.slice(start, batch_rows)
                columns = {name: part.column(raw) for name, raw in wanted.items()}
                yield assemble_batch(spec, columns, row_numbers(rows + 1, part.num_rows))
                rows += part.num_rows
    finally:
        reader.close()
    if not mode.quoted:  # every non-empty physical line is a row: count them independently
        lines = count_lines(path, skip_rows)
        if lines != rows:
            raise InputFileError(
                path,
                f"{lines} data lines but {rows} rows parsed with quotes read as text",
                "export the file again with CSV quoting",
            )


def open_csv_input(path: Path, spec: InputSpec, batch_rows: int) -> InputStream:
    """Check the header of a CSV file and return its batches as an InputStream."""
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty (0 bytes, no header row)", EMPTY_FIX)
    try:
        encoding = detect_csv_encoding(path)
    except InputFileError as exc:
        raise explain_mixed_encodings(path) or exc from None
    check_single_encoding(path, encoding)
    found = find_header(path, spec, _head_records(path, encoding), where="line")
    skip_rows = found.row_number - 1
    arrow_encoding = _arrow_encoding(encoding)
    text_encoding = UTF8_BOM if encoding.startswith("utf-8") else encoding
    header = found.header
    # the header was parsed by the csv module: pyarrow skips it and names the columns by position,
    # so header cells that are empty, doubled or quoted never confuse it
    names = [f"c{i}" for i in range(header.width)]
    mode = quote_mode(path, arrow_encoding, text_encoding, found.row_number, header.width)
    wanted = {name: names[position] for name, position in header.positions.items()}
    convert = pacsv.ConvertOptions(
        column_types={raw: pa.string() for raw in wanted.values()},
        include_columns=list(wanted.values()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=arrow_encoding, block_size=BLOCK_BYTES, skip_rows=skip_rows + 1, column_names=names
            ),
            parse_options=parse_options(mode.quoted),
            convert_options=convert,
        )
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _parse_error(path, exc, 0, encoding) from exc
    return InputStream(
        path=path,
        format="csv",
        encoding=encoding,
        header=header,
        batches=_batches(path, spec, reader, wanted, batch_rows, encoding, mode, skip_rows),
        closer=reader.close,
        header_row=found.row_number,
        skipped_rows=found.skipped,
        notes=[mode.note] if mode.note else [],
    )


__all__ = ["UTF8", "open_csv_input"]
