"""Open any input file (csv, xlsx, xls, parquet) as a stream of batches in the contract's layout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa

from pipelines.contract import FILE_EXTENSIONS, InputSpec
from pipelines.ingest.csv_reader import open_csv_input
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.excel_reader import open_excel_input
from pipelines.ingest.html_reader import looks_like_html, open_html_input
from pipelines.ingest.parquet_reader import open_parquet_input
from pipelines.ingest.stream import InputStream

DEFAULT_BATCH_ROWS = 200_000

#: magic bytes of an OLE2 compound file (Excel 97–2003 BIFF) and of a zip (xlsx)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 8192
UNSUPPORTED_FIX = "export the table as .csv, .xlsx, .xls or .parquet (contract.md)"


def _open_workbook(path: Path, spec: InputSpec, batch_rows: int) -> InputStream:
    """xlsx or xls by what the bytes are: BIFF, a zip (xlsx), or an HTML table saved as .xls."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head:
        raise InputFileError(
            path, "the file is empty (0 bytes)", "export the table again with its header row"
        )
    if head.startswith(OLE2_MAGIC):
        return open_excel_input(path, spec, batch_rows, kind="xls")
    if head.startswith(ZIP_MAGIC):
        return open_excel_input(path, spec, batch_rows, kind="xlsx")
    if looks_like_html(head):
        return open_html_input(path, spec, batch_rows)
    kind = "text (probably tab- or comma-separated)" if _is_text(head) else "neither Excel nor an HTML table"
    raise InputFileError(
        path,
        f"the file is not a readable {path.suffix[1:].lower()} workbook: its content is {kind}",
        "open it in Excel and save it as .xlsx, or export the table as CSV and name it .csv",
    )


def _is_text(head: bytes) -> bool:
    return b"\x00" not in head


OPENERS: dict[str, Callable[[Path, InputSpec, int], InputStream]] = {
    "csv": open_csv_input,
    "xlsx": _open_workbook,
    "xls": _open_workbook,
    "parquet": open_parquet_input,
}
assert set(OPENERS) == set(FILE_EXTENSIONS), "a file extension of the contract has no reader"


def file_format(path: Path) -> str:
    """`csv`, `xlsx`, `xls` or `parquet` from the extension (case ignored); InputFileError otherwise."""
    ext = path.suffix[1:].lower()
    if ext not in OPENERS:
        raise InputFileError(
            path,
            f"the extension '{path.suffix}' is not one the loader reads ({', '.join(FILE_EXTENSIONS)})",
            UNSUPPORTED_FIX,
        )
    return ext


def open_input(path: Path, spec: InputSpec, batch_rows: int = DEFAULT_BATCH_ROWS) -> InputStream:
    """Open `path`, check its header against `spec` and return an InputStream (close it when done).

    Raises InputFileError when the file cannot be read at all; library errors never escape.
    """
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    path = Path(path)
    opener = OPENERS[file_format(path)]
    try:
        return opener(path, spec, batch_rows)
    except FileNotFoundError as exc:
        raise InputFileError(path, "the file does not exist", "check the landing folder") from exc
    except OSError as exc:  # permission denied, a directory, an I/O error
        reason = exc.strerror or type(exc).__name__
        raise InputFileError(
            path,
            f"the file cannot be read ({reason})",
            "check that it is a regular file the pipeline may read",
        ) from exc


def read_batches(
    path: Path, spec: InputSpec, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """Yield the rows of `path` as batches: every contract column as string (English names) + `source_row`.

    Absent optional columns are all-null; `source_row` is the 1-based data row number.
    Memory stays bounded by the batch size whatever the file's length.
    """
    with open_input(path, spec, batch_rows) as stream:
        yield from stream
