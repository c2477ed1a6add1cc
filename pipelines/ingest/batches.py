"""Build the batches every reader yields: the contract's columns as text, plus `source_row`."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pipelines.contract import InputSpec

SOURCE_ROW = "source_row"


def batch_schema(spec: InputSpec) -> pa.Schema:
    """Every contract column (English name) as string, then `source_row` int64."""
    fields = [pa.field(name, pa.string()) for name in spec.column_names]
    fields.append(pa.field(SOURCE_ROW, pa.int64()))
    return pa.schema(fields)


def assemble_batch(spec: InputSpec, columns: dict[str, pa.Array], source_rows: pa.Array) -> pa.RecordBatch:
    """A batch in `batch_schema(spec)` order; contract columns missing from `columns` are all-null."""
    length = len(source_rows)
    arrays = [
        columns[name] if name in columns else pa.nulls(length, pa.string()) for name in spec.column_names
    ]
    arrays.append(source_rows.cast(pa.int64()))
    return pa.RecordBatch.from_arrays(arrays, schema=batch_schema(spec))


def row_numbers(first: int, length: int) -> pa.Array:
    """`first, first+1, …` (1-based data row numbers) as int64."""
    return pa.array(np.arange(first, first + length, dtype=np.int64))
