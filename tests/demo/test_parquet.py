"""Above scale 1 the big tables are parquet, written in row groups of `chunk_rows`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.contract import COUNTY_RECORDS, ORDERS
from pipelines.demo.generator import generate_month


def test_chunked_parquet_at_scale_3(tmp_path: Path) -> None:
    summary = generate_month("2021-02", tmp_path, scale=3, chunk_rows=50_000)
    orders = summary.paths["orders"]
    assert orders.name == "orders.parquet"
    assert not (tmp_path / "2021-02" / "orders.csv").exists()

    meta = pq.ParquetFile(orders).metadata
    assert meta.num_rows == summary.row_counts["orders"] == summary.figures["intake"]["total"]
    assert 200_000 <= meta.num_rows <= 230_000
    assert meta.num_row_groups == -(-meta.num_rows // 50_000)  # full row groups but the last
    assert all(meta.row_group(i).num_rows == 50_000 for i in range(meta.num_row_groups - 1))

    table = pq.read_table(orders)
    assert table.column_names == ORDERS.column_names
    assert pa.types.is_timestamp(table.schema.field("received_at").type)  # parquet stores seconds as ms
    assert table.schema.field("supervision").type == pa.bool_()
    assert pc.count_distinct(table["order_id"]).as_py() == table.num_rows
    cutoff = pa.scalar(datetime(2021, 3, 1), pa.timestamp("s"))
    for column in ("received_at", "dispatched_at", "signed_at", "completed_at"):
        assert pc.all(pc.less(table[column], cutoff)).as_py() in (True, None), column
    dispatched = pc.equal(table["handling"], "交办")
    assert pc.all(pc.is_valid(pc.filter(table["unit_code"], dispatched))).as_py()
    direct_share = 1 - pc.sum(dispatched).as_py() / table.num_rows
    assert 0.6 <= direct_share <= 0.64

    records = summary.paths["county_records"]
    assert records.suffix == ".parquet"
    assert pq.read_schema(records).names == COUNTY_RECORDS.column_names
    assert pq.ParquetFile(records).metadata.num_rows == summary.row_counts["county_records"]
    assert pq.ParquetFile(records).metadata.num_row_groups > 1
