"""Stream the first sheet of an xlsx workbook with openpyxl in read-only mode."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import load_workbook

from pipelines.contract import InputSpec
from pipelines.ingest.batches import assemble_batch
from pipelines.ingest.cells import cell_text
from pipelines.ingest.errors import InputFileError, describe_exception
from pipelines.ingest.headers import HeaderMap, map_header
from pipelines.ingest.stream import InputStream

#: cells are Python objects until a batch is built: keep xlsx batches smaller than the default
MAX_BATCH_ROWS = 50_000

EMPTY_FIX = "export the table with its header row in the first sheet"
CORRUPT_FIX = "open and re-save it as .xlsx (Excel 2007 or later), or export it as CSV"


def _corrupt(path: Path, exc: BaseException, rows_before: int | None = None) -> InputFileError:
    where = "" if rows_before is None else f" (reading after data row {rows_before})"
    return InputFileError(
        path,
        f"the file is not a readable xlsx workbook{where}: {describe_exception(exc)}",
        CORRUPT_FIX,
    )


Rows = Generator[tuple[Any, ...], None, None]


def _closer(workbook: Any, rows: Rows | None) -> Callable[[], None]:
    """Close the sheet's row reader (it holds the zip member open) and then the workbook."""

    def close() -> None:
        if rows is not None:
            rows.close()
        workbook.close()

    return close


def _is_blank(row: tuple[Any, ...]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _batches(
    path: Path,
    spec: InputSpec,
    rows: Iterator[tuple[Any, ...]],
    header_row: int,
    header: HeaderMap,
    batch_rows: int,
    close: Callable[[], None],
) -> Iterator[pa.RecordBatch]:
    positions = header.positions
    values: dict[str, list[str | None]] = {name: [] for name in positions}
    source_rows: list[int] = []
    last = 0

    def flush() -> pa.RecordBatch:
        columns = {name: pa.array(cells, type=pa.string()) for name, cells in values.items()}
        batch = assemble_batch(spec, columns, pa.array(source_rows, type=pa.int64()))
        for cells in values.values():
            cells.clear()
        source_rows.clear()
        return batch

    try:
        sheet_row = header_row
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # openpyxl, zipfile, zlib and XML errors on a damaged sheet
                raise _corrupt(path, exc, last) from exc
            sheet_row += 1
            if _is_blank(row):
                continue
            width = len(row)
            for name, position in positions.items():
                values[name].append(cell_text(row[position]) if position < width else None)
            last = sheet_row - header_row
            source_rows.append(last)
            if len(source_rows) >= batch_rows:
                yield flush()
        if source_rows:
            yield flush()
    finally:
        close()


def open_xlsx_input(path: Path, spec: InputSpec, batch_rows: int) -> InputStream:
    """Check the header (first non-empty row of the first sheet) and return the rows as an InputStream.

    `source_row` is the sheet row number minus the header's, so it points at the row in Excel;
    rows with no value at all are skipped.
    """
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty (0 bytes)", EMPTY_FIX)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, InvalidFileException, XML errors…
        raise _corrupt(path, exc) from exc
    rows: Rows | None = None
    try:
        if not workbook.worksheets:
            raise InputFileError(path, "the workbook has no worksheet", EMPTY_FIX)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the rows, not the stored dimension (often wrong)
        rows = sheet.iter_rows(values_only=True)
        header_row = 0
        for row in rows:
            header_row += 1
            if not _is_blank(row):
                header = map_header(path, spec, row)
                break
        else:
            raise InputFileError(path, f"the first sheet '{sheet.title}' is empty (no header row)", EMPTY_FIX)
    except InputFileError:
        _closer(workbook, rows)()
        raise
    except Exception as exc:
        _closer(workbook, rows)()
        raise _corrupt(path, exc) from exc
    close = _closer(workbook, rows)
    return InputStream(
        path=path,
        format="xlsx",
        encoding=None,
        header=header,
        batches=_batches(path, spec, rows, header_row, header, min(batch_rows, MAX_BATCH_ROWS), close),
        closer=close,
    )
