"""Open any input file (csv, xlsx, parquet) as a stream of batches in the contract's layout."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa

from pipelines.contract import FILE_EXTENSIONS, InputSpec
from pipelines.ingest.csv_reader import open_csv_input
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.parquet_reader import open_parquet_input
from pipelines.ingest.stream import InputStream
from pipelines.ingest.xlsx_reader import open_xlsx_input

DEFAULT_BATCH_ROWS = 200_000

OPENERS: dict[str, Callable[[Path, InputSpec, int], InputStream]] = {
    "csv": open_csv_input,
    "xlsx": open_xlsx_input,
    "parquet": open_parquet_input,
}
assert set(OPENERS) == set(FILE_EXTENSIONS), "a file extension of the contract has no reader"


def file_format(path: Path) -> str:
    """`csv`, `xlsx` or `parquet` from the extension (case ignored); InputFileError otherwise."""
    ext = path.suffix[1:].lower()
    if ext not in OPENERS:
        raise InputFileError(
            path,
            f"the extension '{path.suffix}' is not one of {', '.join(FILE_EXTENSIONS)}",
            "export the table as .csv, .xlsx or .parquet",
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
