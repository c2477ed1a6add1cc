"""Load one month of one input into `raw.<input>`: replace that month's rows in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.contract import InputSpec
from pipelines.ingest.batches import batch_schema
from pipelines.ingest.locate import check_month
from pipelines.ingest.normalize import ident, insert_sql, trim_batch, uses_salt
from pipelines.ingest.readers import DEFAULT_BATCH_ROWS, open_input
from pipelines.ingest.stream import InputStream
from pipelines.raw_tables import RAW_SCHEMA, ensure_raw_tables

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadSummary:
    """What one load did; safe to log or attach as asset metadata (no cell values)."""

    input: str
    #: file name the rows came from; None when an optional input was absent
    source_file: str | None
    rows_read: int
    rows_with_load_errors: int
    format: str | None
    encoding: str | None
    #: header names that match no contract column (not loaded)
    ignored_columns: tuple[str, ...] = ()
    #: optional contract columns the file lacks (stored as null)
    absent_columns: tuple[str, ...] = ()
    #: 1-based row (line) of the header in the file
    header_row: int = 1
    #: `row N: 'text'` of each title or export-info row skipped above the header
    skipped_rows: tuple[str, ...] = ()
    #: what the reader did that a person should know (totals row skipped, quotes read as text)
    notes: tuple[str, ...] = ()


class _Feed:
    """The file's batches as one arrow stream for DuckDB; counts rows and keeps the reader's error.

    DuckDB scans the stream in a single `insert … select`. An error raised while reading (an
    InputFileError) reaches DuckDB as a generic stream failure, so it is kept here and re-raised.
    """

    def __init__(self, spec: InputSpec, stream: InputStream | None) -> None:
        self.spec = spec
        self.stream = stream
        self.rows = 0
        self.error: BaseException | None = None

    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.stream is None:
            return
        try:
            for batch in self.stream:
                self.rows += batch.num_rows
                yield trim_batch(batch, self.spec)
        except BaseException as exc:
            self.error = exc
            raise

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(batch_schema(self.spec), self._batches())


def _view_name(spec: InputSpec) -> str:
    return f"_ingest_{spec.name}"


def load_month_input(
    con: duckdb.DuckDBPyConnection,
    spec: InputSpec,
    path: Path | None,
    month: str,
    phone_salt: str,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> LoadSummary:
    """Replace the `month` rows of `raw.<spec.name>` with the rows of `path` (None: no rows).

    Every row read is stored (rows read = rows stored); a cell that cannot be parsed is stored as
    null and described in the row's `load_errors`. The delete and the insert run in one
    transaction, so a failure (InputFileError for an unreadable file) leaves the old rows. The file
    is streamed: memory does not grow with its length.
    """
    check_month(month)
    ensure_raw_tables(con)
    table = f"{RAW_SCHEMA}.{ident(spec.name)}"
    source_file = Path(path).name if path is not None else None
    stream = open_input(Path(path), spec, batch_rows) if path is not None else None
    feed = _Feed(spec, stream)
    view = _view_name(spec)
    params: dict[str, object] = {"month": month, "source_file": source_file}
    if uses_salt(spec):
        params["salt"] = phone_salt
    try:
        con.register(view, feed.reader())
        con.begin()
        try:
            con.execute(f"delete from {table} where month = $month", {"month": month})
            con.execute(insert_sql(spec, view), params)
            stored, with_errors = con.execute(
                f"select count(*), count(load_errors) from {table} where month = $month", {"month": month}
            ).fetchone()
            if stored != feed.rows:
                raise RuntimeError(f"{spec.name} {month}: read {feed.rows} rows but stored {stored}")
            con.commit()
        except BaseException as exc:
            con.rollback()
            if feed.error is not None and feed.error is not exc:
                raise feed.error from None
            raise
    finally:
        con.unregister(view)
        if stream is not None:
            stream.close()
    summary = LoadSummary(
        input=spec.name,
        source_file=source_file,
        rows_read=feed.rows,
        rows_with_load_errors=with_errors,
        format=stream.format if stream else None,
        encoding=stream.encoding if stream else None,
        ignored_columns=stream.header.ignored if stream else (),
        absent_columns=stream.header.absent if stream else (),
        header_row=stream.header_row if stream else 1,
        skipped_rows=stream.skipped_rows if stream else (),
        notes=tuple(stream.notes) if stream else (),
    )
    if summary.skipped_rows:
        log.info("%s: header found in row %d; skipped above it: %s", path, summary.header_row,
                 "; ".join(summary.skipped_rows))
    for note in summary.notes:
        log.warning("%s: %s", path, note)
    if summary.ignored_columns:
        log.warning("%s: ignored columns not in the contract: %s", path, ", ".join(summary.ignored_columns))
    log.info(
        "%s %s: %d rows from %s (%d with load errors)",
        spec.name,
        month,
        summary.rows_read,
        summary.source_file or "no file",
        with_errors,
    )
    return summary
