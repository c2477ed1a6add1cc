"""An opened input file: what was found in its header, and its batches (read lazily)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyarrow as pa

from pipelines.ingest.headers import HeaderMap


def _nothing() -> None:
    return None


@dataclass
class InputStream:
    """Batches of one input file in the contract's layout (see `batches.batch_schema`).

    The header has been checked when the stream exists; the rows are read as the stream is
    iterated, one batch at a time. Close it (or use it as a context manager) to release the file.
    """

    path: Path
    format: str
    #: detected text encoding of a CSV file; None for xlsx and parquet
    encoding: str | None
    header: HeaderMap
    batches: Iterator[pa.RecordBatch]
    closer: Callable[[], None] = field(default=_nothing)
    #: 1-based row (line) of the header in the file: above 1 when title rows were skipped
    header_row: int = 1
    #: `row N: 'text'` of each non-blank row skipped above the header
    skipped_rows: tuple[str, ...] = ()
    #: what the reader did that a person should know (totals row skipped, quotes read as text);
    #: complete once the batches are read
    notes: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        return self.batches

    def close(self) -> None:
        close = getattr(self.batches, "close", None)
        if close is not None:
            close()
        self.closer()

    def __enter__(self) -> InputStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
