"""Fixtures for the loader tests: every input file is written to tmp_path by the test itself."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

Rows = Sequence[Sequence[object]]

#: a dispatched order with every contract column filled (English header order of contract.py)
ORDER_HEADER = [
    "order_id",
    "received_at",
    "channel",
    "category",
    "handling",
    "dispatch_level",
    "supervision",
    "unit_code",
    "dispatched_at",
    "sign_deadline",
    "signed_at",
    "due_at",
    "completed_at",
    "visit_result",
    "caller_phone",
    "content",
]


def order_row(order_id: str = "A1", **values: object) -> list[object]:
    """One orders row in ORDER_HEADER order; keyword arguments override the defaults."""
    row: dict[str, object] = {
        "order_id": order_id,
        "received_at": "2021-02-01 09:00:00",
        "channel": "电话",
        "category": "投诉",
        "handling": "交办",
        "dispatch_level": "市派",
        "supervision": "0",
        "unit_code": "U01",
        "dispatched_at": "2021-02-01 10:00:00",
        "sign_deadline": "2021-02-02 10:00:00",
        "signed_at": "2021-02-01 11:00:00",
        "due_at": "2021-02-10 10:00:00",
        "completed_at": "2021-02-05 16:30:00",
        "visit_result": "满意",
        "caller_phone": "13812345678",
        "content": "路灯不亮",
    }
    unknown = set(values) - set(row)
    assert not unknown, unknown
    row.update(values)
    return [row[name] for name in ORDER_HEADER]


def csv_bytes(header: Sequence[object], rows: Rows, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def write_csv() -> Callable[..., Path]:
    def write(path: Path, header: Sequence[object], rows: Rows, encoding: str = "utf-8") -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv_bytes(header, rows, encoding))
        return path

    return write


@pytest.fixture
def write_xlsx() -> Callable[..., Path]:
    def write(path: Path, header: Sequence[object], rows: Rows) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
        return path

    return write


@pytest.fixture
def write_parquet() -> Callable[..., Path]:
    def write(path: Path, table: pa.Table) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)
        return path

    return write


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse_path))
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def order_header() -> list[str]:
    """The orders header, English names (a fresh list each test)."""
    return list(ORDER_HEADER)


@pytest.fixture
def make_order() -> Callable[..., list[object]]:
    """`make_order("A1", caller_phone=None)`: one orders row in the `order_header` order."""
    return order_row
