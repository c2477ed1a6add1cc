"""Write column blocks (dict of numpy arrays) as CSV, parquet or xlsx, as the contract describes.

Cell formatting follows each column's contract type: timestamps `YYYY-MM-DD HH:MM:SS`, empty cell
for null. The CSV and parquet writers stream: each `write` appends one block, parquet buffers at
most `chunk_rows` rows and writes them as one row group, so a file of any size is written with
bounded memory. Output bytes depend only on the data (no clock, no randomness).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from pipelines.contract import Column, ColumnType, InputSpec

Columns = dict[str, np.ndarray]
T = ColumnType
DEFAULT_CHUNK_ROWS = 500_000
#: zip entry time of every xlsx member (the zip format cannot store earlier than 1980)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class BlockWriter(Protocol):
    path: Path
    rows: int

    def write(self, columns: Columns) -> None: ...

    def close(self) -> None: ...


class _Closing:
    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()  # type: ignore[attr-defined]


def header(spec: InputSpec, chinese: bool) -> list[str]:
    return [(c.chinese or c.name) if chinese else c.name for c in spec.columns]


def format_cells(column: Column, values: np.ndarray, bools: tuple[str, str]) -> list[str]:
    """Text of each cell of one column ('' for null)."""
    if column.type is T.TIMESTAMP:
        text = np.char.replace(np.datetime_as_string(values, unit="s"), "T", " ")
        return np.where(np.isnat(values), "", text).tolist()
    if column.type is T.BOOL:
        return np.where(values.astype(bool), bools[0], bools[1]).tolist()
    if column.type is T.DECIMAL:
        return ["" if np.isnan(v) else f"{v:g}" for v in values.tolist()]
    if column.type is T.INTEGER:
        return ["" if np.isnan(v) else str(int(v)) for v in values.tolist()]
    return ["" if v is None else str(v) for v in values.tolist()]


class CsvBlockWriter(_Closing):
    """CSV in the given encoding; Chinese or English header; booleans as `bools` (true, false)."""

    def __init__(
        self,
        path: Path,
        spec: InputSpec,
        *,
        encoding: str = "utf-8",
        chinese_headers: bool = False,
        bools: tuple[str, str] = ("1", "0"),
        lineterminator: str = "\n",
    ) -> None:
        self.path = path
        self.spec = spec
        self.bools = bools
        self.rows = 0
        self._handle = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed in close()
        self._csv = csv.writer(self._handle, lineterminator=lineterminator)
        self._csv.writerow(header(spec, chinese_headers))

    def write(self, columns: Columns) -> None:
        cells = [format_cells(c, columns[c.name], self.bools) for c in self.spec.columns]
        self._csv.writerows(zip(*cells, strict=True))
        self.rows += len(cells[0]) if cells else 0

    def close(self) -> None:
        self._handle.close()


ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    T.TEXT: pa.string(),
    T.ENUM: pa.string(),
    T.TIMESTAMP: pa.timestamp("s"),
    T.BOOL: pa.bool_(),
    T.DECIMAL: pa.float64(),
    T.INTEGER: pa.int64(),
}


def arrow_schema(spec: InputSpec) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in spec.columns])


def to_arrow(spec: InputSpec, columns: Columns) -> pa.Table:
    arrays = []
    for c in spec.columns:
        values = columns[c.name]
        if c.type is T.TIMESTAMP:
            arrays.append(pa.array(values, pa.timestamp("s"), mask=np.isnat(values)))
        elif c.type is T.DECIMAL:
            arrays.append(pa.array(values, pa.float64(), mask=np.isnan(values)))
        elif c.type is T.INTEGER:
            arrays.append(pa.array(np.nan_to_num(values).astype(np.int64), pa.int64(), mask=np.isnan(values)))
        else:
            arrays.append(pa.array(values, ARROW_TYPES[c.type]))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(spec))


class ParquetBlockWriter(_Closing):
    """Parquet written in row groups of `chunk_rows`; holds at most one row group in memory."""

    def __init__(self, path: Path, spec: InputSpec, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> None:
        self.path = path
        self.spec = spec
        self.chunk_rows = chunk_rows
        self.rows = 0
        self.row_groups = 0
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self._writer = pq.ParquetWriter(path, arrow_schema(spec), compression="zstd")

    def write(self, columns: Columns) -> None:
        table = to_arrow(self.spec, columns)
        self._buffer.append(table)
        self._buffered += table.num_rows
        self.rows += table.num_rows
        while self._buffered >= self.chunk_rows:
            self._flush(self.chunk_rows)

    def _flush(self, size: int) -> None:
        table = pa.concat_tables(self._buffer)
        self._writer.write_table(table.slice(0, size), row_group_size=size)
        self.row_groups += 1
        rest = table.slice(size)
        self._buffer = [rest] if rest.num_rows else []
        self._buffered = rest.num_rows

    def close(self) -> None:
        if self._buffered:
            self._flush(self._buffered)
        self._writer.close()


def open_writer(
    path: Path, spec: InputSpec, *, chunk_rows: int = DEFAULT_CHUNK_ROWS, **csv_options: object
) -> CsvBlockWriter | ParquetBlockWriter:
    """A streaming writer chosen by the file's extension (`.csv` or `.parquet`)."""
    if path.suffix == ".parquet":
        return ParquetBlockWriter(path, spec, chunk_rows=chunk_rows)
    return CsvBlockWriter(path, spec, **csv_options)  # type: ignore[arg-type]


def _xlsx_value(column: Column, value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if column.type is T.TIMESTAMP:
        return None if np.isnat(value) else value.astype("datetime64[s]").item()  # type: ignore[union-attr]
    if column.type is T.BOOL:
        return bool(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_xlsx(
    path: Path,
    spec: InputSpec,
    columns: Columns,
    *,
    chinese_headers: bool = True,
    stamp: dt.datetime = dt.datetime(2000, 1, 1),
) -> int:
    """One sheet named after the input; byte-stable: fixed document dates and zip entry times."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.title
    sheet.append(header(spec, chinese_headers))
    names = spec.column_names
    n = len(columns[names[0]])
    for i in range(n):
        sheet.append([_xlsx_value(spec.column(name), columns[name][i]) for name in names])
    for cells in sheet.iter_cols(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    workbook.properties.creator = "hotline-bulletin demo"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    _restamp_zip(raw.getvalue(), path)
    return n


def _restamp_zip(data: bytes, path: Path) -> None:
    """Copy a zip archive with every entry's time set to ZIP_EPOCH."""
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))


def write_csv(path: Path, spec: InputSpec, columns: Columns, **options: object) -> int:
    with CsvBlockWriter(path, spec, **options) as writer:  # type: ignore[arg-type]
        writer.write(columns)
        return writer.rows
