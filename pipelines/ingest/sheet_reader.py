"""Stream rows of cells (an Excel sheet, an HTML table) as batches, the header found below any title rows.

Shared by the Excel reader (xlsx and Excel 97–2003 `.xls`, through calamine) and the reader of HTML
tables saved as `.xls`. `source_row` is the sheet row number minus the header's, so it points at
the row in Excel; rows with no value at all are skipped. A last row that only totals the others
(`合计`, `总计`, `Total` in its first cell, no id) is not data: it is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from pipelines.contract import InputSpec
from pipelines.ingest.batches import assemble_batch
from pipelines.ingest.cells import cell_text
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.header_search import HEADER_SEARCH_ROWS, FoundHeader, find_header, is_blank, row_text
from pipelines.ingest.headers import clean_header
from pipelines.ingest.stream import InputStream

#: cells are Python objects until a batch is built: keep sheet batches smaller than the default
MAX_BATCH_ROWS = 50_000
#: first-cell texts of a totals row
TOTALS_LABELS = frozenset({"合计", "总计", "小计", "合 计", "总 计", "total", "totals", "sum"})

#: (1-based sheet row number, cells)
NumberedRow = tuple[int, Sequence[object]]
ErrorWrapper = Callable[[BaseException, int], BaseException]


def _is_totals(row: Sequence[object], header: FoundHeader, spec: InputSpec) -> bool:
    first = next((clean_header(v) for v in row if clean_header(v)), "")
    if first.lower() not in TOTALS_LABELS:
        return False
    # a real row carries its id; a totals row has the label where the id would be, or no id at all
    id_position = header.header.positions.get(spec.id_column or "")
    if id_position is None or id_position >= len(row):
        return True
    return clean_header(row[id_position]).lower() in TOTALS_LABELS | {""}


class _SheetBatches:
    def __init__(
        self,
        spec: InputSpec,
        header: FoundHeader,
        rows: Iterator[NumberedRow],
        batch_rows: int,
        wrap_error: ErrorWrapper,
        notes: list[str],
    ) -> None:
        self.spec = spec
        self.header = header
        self.rows = rows
        self.batch_rows = batch_rows
        self.wrap_error = wrap_error
        self.notes = notes

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        positions = self.header.header.positions
        values: dict[str, list[str | None]] = {name: [] for name in positions}
        source_rows: list[int] = []
        header_number = self.header.row_number
        last = 0
        pending: NumberedRow | None = None  # held back one row: the last may be a totals row

        def flush() -> pa.RecordBatch:
            columns = {name: pa.array(cells, type=pa.string()) for name, cells in values.items()}
            batch = assemble_batch(self.spec, columns, pa.array(source_rows, type=pa.int64()))
            for cells in values.values():
                cells.clear()
            source_rows.clear()
            return batch

        def add(number: int, row: Sequence[object]) -> None:
            width = len(row)
            for name, position in positions.items():
                values[name].append(cell_text(row[position]) if position < width else None)
            source_rows.append(number - header_number)

        while True:
            try:
                number, row = next(self.rows)
            except StopIteration:
                break
            except Exception as exc:  # a damaged sheet
                raise self.wrap_error(exc, last) from exc
            if is_blank(row):
                continue
            if pending is not None:
                add(*pending)
                last = pending[0] - header_number
                if len(source_rows) >= self.batch_rows:
                    yield flush()
            pending = (number, row)
        if pending is not None:
            if _is_totals(pending[1], self.header, self.spec):
                self.notes.append(f"skipped the totals row {pending[0]}: '{row_text(pending[1])}'")
            else:
                add(*pending)
        if source_rows:
            yield flush()


def open_sheet_rows(
    path: Path,
    spec: InputSpec,
    rows: Iterator[NumberedRow],
    file_format: str,
    batch_rows: int,
    wrap_error: ErrorWrapper,
    close: Callable[[], None],
) -> InputStream:
    """Find the header among the first rows and return the rest as an InputStream.

    `wrap_error(exc, rows_before)` turns a reader's exception into an InputFileError.
    """
    head: list[NumberedRow] = []
    non_blank = 0
    try:
        for number, row in rows:
            head.append((number, row))
            non_blank += not is_blank(row)
            if non_blank >= HEADER_SEARCH_ROWS:
                break
        found = find_header(path, spec, head)
    except InputFileError:
        close()
        raise
    except Exception as exc:  # a damaged sheet
        close()
        raise wrap_error(exc, 0) from exc
    rest = iter(head[found.index + 1 :])

    def remaining() -> Iterator[NumberedRow]:
        yield from rest
        yield from rows

    notes: list[str] = []
    batches = _SheetBatches(spec, found, remaining(), min(batch_rows, MAX_BATCH_ROWS), wrap_error, notes)

    def generate() -> Iterator[pa.RecordBatch]:
        try:
            yield from batches
        finally:
            close()

    return InputStream(
        path=path,
        format=file_format,
        encoding=None,
        header=found.header,
        batches=generate(),
        closer=close,
        header_row=found.row_number,
        skipped_rows=found.skipped,
        notes=notes,
    )
