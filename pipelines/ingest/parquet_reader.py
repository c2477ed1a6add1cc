"""Stream a parquet file with pyarrow, every contract column rendered as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.contract import InputSpec
from pipelines.ingest.batches import assemble_batch, row_numbers
from pipelines.ingest.cells import DATE_FORMAT, TIMESTAMP_FORMAT
from pipelines.ingest.errors import InputFileError, describe_exception
from pipelines.ingest.headers import map_header
from pipelines.ingest.stream import InputStream

#: the contract's timestamps are local wall-clock time; zoned parquet timestamps are shown in it
LOCAL_TIMEZONE = "Asia/Shanghai"
CORRUPT_FIX = "re-export the parquet file (it may be truncated or damaged), or export it as CSV"
#: integral floats below this are written without exponent or decimals
_EXACT_FLOAT_LIMIT = 2.0**53


class UnsupportedColumnType(TypeError):
    """A parquet column whose type has no text form in the contract (struct, list, map…)."""


def _float_text(array: pa.Array) -> pa.Array:
    as_text = array.cast(pa.string())
    integral = pc.and_(pc.equal(pc.trunc(array), array), pc.less(pc.abs(array), _EXACT_FLOAT_LIMIT))
    integral = pc.fill_null(integral, False)
    whole = pc.if_else(integral, array, 0).cast(pa.int64(), safe=False).cast(pa.string())
    return pc.if_else(integral, whole, as_text)


def to_text(array: pa.Array) -> pa.Array:
    """Cast one column to string: timestamps `YYYY-MM-DD HH:MM:SS`, bools `true`/`false`, `1.0` -> `1`."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array = array.dictionary_decode()
        kind = array.type
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.string())
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            array = array.cast(pa.timestamp(kind.unit, LOCAL_TIMEZONE))
        seconds = array.cast(pa.timestamp("s", kind.tz and LOCAL_TIMEZONE), safe=False)
        return pc.strftime(seconds, format=TIMESTAMP_FORMAT)
    if pa.types.is_date(kind):
        return pc.strftime(array, format=DATE_FORMAT)
    if pa.types.is_floating(kind):
        return _float_text(array.cast(pa.float64()))
    if (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_time(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or getattr(pa.types, "is_string_view", lambda _: False)(kind)
    ):
        return array.cast(pa.string())
    raise UnsupportedColumnType(str(kind))


def _corrupt(path: Path, exc: BaseException, rows_before: int | None = None) -> InputFileError:
    where = "" if rows_before is None else f" (reading after data row {rows_before})"
    return InputFileError(
        path, f"the file is not a readable parquet file{where}: {describe_exception(exc)}", CORRUPT_FIX
    )


def _batches(
    path: Path, spec: InputSpec, parquet: pq.ParquetFile, wanted: dict[str, str], batch_rows: int
) -> Iterator[pa.RecordBatch]:
    rows = 0
    batches = parquet.iter_batches(batch_size=batch_rows, columns=list(wanted.values()))
    try:
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as exc:  # ArrowInvalid, OSError (corrupt pages, truncated data)
                raise _corrupt(path, exc, rows) from exc
            columns = {}
            for name, raw in wanted.items():
                try:
                    columns[name] = to_text(batch.column(raw))
                except UnsupportedColumnType as exc:
                    raise InputFileError(
                        path,
                        f"the column '{raw}' has the type {exc}, which cannot be read as {name}",
                        "write the column as text, number, boolean or timestamp",
                    ) from exc
                except pa.ArrowException as exc:
                    raise InputFileError(
                        path,
                        f"the column '{raw}' cannot be read as text after data row {rows} "
                        f"({type(exc).__name__})",
                        "write the column as UTF-8 text, number, boolean or timestamp",
                    ) from exc
            yield assemble_batch(spec, columns, row_numbers(rows + 1, batch.num_rows))
            rows += batch.num_rows
    finally:
        parquet.close()


def open_parquet_input(path: Path, spec: InputSpec, batch_rows: int) -> InputStream:
    """Check the schema's column names against the contract and return the row groups as an InputStream."""
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty (0 bytes)", "export the table again as parquet or CSV")
    try:
        parquet = pq.ParquetFile(path)
        names = list(parquet.schema_arrow.names)
    except Exception as exc:  # ArrowInvalid "magic bytes not found", OSError…
        raise _corrupt(path, exc) from exc
    try:
        header = map_header(path, spec, names)
    except InputFileError:
        parquet.close()
        raise
    wanted = {name: names[position] for name, position in header.positions.items()}
    return InputStream(
        path=path,
        format="parquet",
        encoding=None,
        header=header,
        batches=_batches(path, spec, parquet, wanted, batch_rows),
        closer=parquet.close,
    )
