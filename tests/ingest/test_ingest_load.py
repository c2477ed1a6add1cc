"""load_month_input: typed values, load_errors, one-transaction month replacement, personal data."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from pipelines.contract import (
    COUNTY_ASSESSMENTS,
    COUNTY_RECORDS,
    INPUTS,
    INSPECTIONS,
    INTERFACE_PROBES,
    ORDERS,
    TEST_CALLS,
    UNITS,
)
from pipelines.ingest.csv_reader import BLOCK_BYTES
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.load import LoadSummary, load_month_input
from pipelines.raw_tables import raw_columns

SALT = "test-salt"
PHONE = "13812345678"


def fetch(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def month_count(con: duckdb.DuckDBPyConnection, table: str, month: str) -> int:
    return fetch(con, f"select count(*) from raw.{table} where month = ?", month)[0][0]


def test_orders_csv_loads_typed_values(con, tmp_path, write_csv, order_header, make_order) -> None:
    path = write_csv(
        tmp_path / "2021-02" / "orders.csv",
        order_header,
        [
            make_order("A1", received_at=" 2021-02-01 09:00:00 ", channel=" 电话\u3000"),
            make_order("A2", handling="直接办理", dispatch_level="", unit_code="", dispatched_at="",
                       sign_deadline="", signed_at="", due_at="", completed_at="", visit_result=""),
        ],
    )  # fmt: skip
    summary = load_month_input(con, ORDERS, path, "2021-02", SALT)
    assert summary == LoadSummary(
        input="orders",
        source_file="orders.csv",
        rows_read=2,
        rows_with_load_errors=0,
        format="csv",
        encoding="utf-8",
        ignored_columns=(),
        absent_columns=(),
    )
    assert [r[0] for r in con.execute("describe raw.orders").fetchall()] == [
        name for name, _ in raw_columns(ORDERS)
    ]
    row = con.execute("select * from raw.orders where order_id = 'A1'").fetchone()
    record = dict(zip([d[0] for d in con.description], row, strict=True))
    assert record["month"] == "2021-02"
    assert record["source_file"] == "orders.csv"
    assert record["source_row"] == 1
    assert record["received_at"] == dt.datetime(2021, 2, 1, 9, 0, 0)
    assert record["channel"] == "电话"
    assert record["supervision"] is False
    assert record["due_at"] == dt.datetime(2021, 2, 10, 10, 0, 0)
    assert record["load_errors"] is None
    direct = fetch(
        con, "select handling, dispatch_level, unit_code, dispatched_at from raw.orders where order_id='A2'"
    )
    assert direct == [("直接办理", None, None, None)]


def test_lenient_timestamp_spellings(con, tmp_path, write_csv) -> None:
    spellings = {
        "2021-02-03 08:05:09": dt.datetime(2021, 2, 3, 8, 5, 9),
        "2021/02/03 08:05:09": dt.datetime(2021, 2, 3, 8, 5, 9),
        "2021-02-03T08:05:09": dt.datetime(2021, 2, 3, 8, 5, 9),
        "2021-02-03 08:05:09.7": dt.datetime(2021, 2, 3, 8, 5, 9),
        "2021-02-03 08:05": dt.datetime(2021, 2, 3, 8, 5, 0),
        "2021-02-03": dt.datetime(2021, 2, 3, 0, 0, 0),
    }
    rows = [[f"C{i}", text, "1", ""] for i, text in enumerate(spellings)]
    path = write_csv(
        tmp_path / "interface_probes.csv", ["county_code", "probed_at", "ok", "latency_ms"], rows
    )
    load_month_input(con, INTERFACE_PROBES, path, "2021-02", SALT)
    stored = fetch(con, "select probed_at, load_errors from raw.interface_probes order by source_row")
    assert stored == [(value, None) for value in spellings.values()]


def test_every_boolean_spelling(con, tmp_path, write_csv) -> None:
    spellings = {
        "1": True, "0": False, "true": True, "false": False, "TRUE": True, "False": False,
        "是": True, "否": False, "t": True, "F": False, "yes": True, "NO": False, "1.0": True, "0.0": False,
    }  # fmt: skip
    rows = [[f"C{i}", "2021-02-03 08:00:00", text, "5"] for i, text in enumerate(spellings)]
    path = write_csv(
        tmp_path / "interface_probes.csv", ["county_code", "probed_at", "ok", "latency_ms"], rows
    )
    summary = load_month_input(con, INTERFACE_PROBES, path, "2021-02", SALT)
    assert summary.rows_with_load_errors == 0
    assert [r[0] for r in fetch(con, "select ok from raw.interface_probes order by source_row")] == list(
        spellings.values()
    )


def test_numbers_decimals_and_integers(con, tmp_path, write_csv) -> None:
    rows = [
        ["C01", "4.5", "0", ""],
        ["C02", "12.34567", "1.0", "接口中断"],
        ["C03", "abc", "-1", ""],
    ]
    path = write_csv(tmp_path / "county_assessments.csv", [c.name for c in COUNTY_ASSESSMENTS.columns], rows)
    load_month_input(con, COUNTY_ASSESSMENTS, path, "2021-02", SALT)
    assert fetch(
        con,
        "select integration_score, deduction, load_errors from raw.county_assessments order by county_code",
    ) == [
        (Decimal("4.5000"), Decimal("0.0000"), None),
        (Decimal("12.3457"), Decimal("1.0000"), None),
        (None, Decimal("-1.0000"), "integration_score: 'abc' is not a decimal number"),
    ]
    probes = [
        ["C01", "2021-02-03", "1", "12"],
        ["C02", "2021-02-03", "1", "12.0"],
        ["C03", "2021-02-03", "1", "12.5"],
    ]
    path = write_csv(
        tmp_path / "interface_probes.csv", ["county_code", "probed_at", "ok", "latency_ms"], probes
    )
    load_month_input(con, INTERFACE_PROBES, path, "2021-02", SALT)
    assert fetch(con, "select latency_ms, load_errors from raw.interface_probes order by county_code") == [
        (12, None),
        (12, None),
        (None, "latency_ms: '12.5' is not an integer"),
    ]


def test_unparsable_cells_keep_the_row_with_load_errors(
    con, tmp_path, write_csv, order_header, make_order
) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        order_header,
        [make_order("A1"), make_order("A2", received_at="2021-13-45", supervision="maybe"), make_order("A3")],
    )
    summary = load_month_input(con, ORDERS, path, "2021-02", SALT)
    assert (summary.rows_read, summary.rows_with_load_errors) == (3, 1)
    assert month_count(con, "orders", "2021-02") == 3
    assert fetch(
        con, "select received_at, supervision, load_errors from raw.orders where order_id = 'A2'"
    ) == [
        (
            None,
            None,
            "received_at: '2021-13-45' is not a timestamp (YYYY-MM-DD HH:MM:SS); "
            "supervision: 'maybe' is not a boolean (1/0, true/false, 是/否)",
        )
    ]


def test_reload_replaces_only_its_month(con, tmp_path, write_csv, order_header, make_order) -> None:
    feb = write_csv(
        tmp_path / "2021-02" / "orders.csv", order_header, [make_order(f"F{i}") for i in range(3)]
    )
    mar = write_csv(
        tmp_path / "2021-03" / "orders.csv", order_header, [make_order(f"M{i}") for i in range(5)]
    )
    load_month_input(con, ORDERS, feb, "2021-02", SALT)
    load_month_input(con, ORDERS, mar, "2021-03", SALT)
    before = fetch(con, "select * from raw.orders order by month, source_row")
    load_month_input(con, ORDERS, feb, "2021-02", SALT)
    load_month_input(con, ORDERS, feb, "2021-02", SALT)
    assert fetch(con, "select * from raw.orders order by month, source_row") == before
    assert (month_count(con, "orders", "2021-02"), month_count(con, "orders", "2021-03")) == (3, 5)


def test_failed_load_keeps_the_old_rows(con, tmp_path, write_csv, order_header, make_order) -> None:
    good = write_csv(tmp_path / "ok" / "orders.csv", order_header, [make_order("A1"), make_order("A2")])
    load_month_input(con, ORDERS, good, "2021-02", SALT)
    # the bad row sits beyond the first CSV block: the error surfaces while rows are being inserted
    rows = [make_order(f"B{i}", content="内容" * 40) for i in range(BLOCK_BYTES // 200)]
    rows.append([*make_order("B9"), "extra"])
    bad = write_csv(tmp_path / "bad" / "orders.csv", order_header, rows)
    assert bad.stat().st_size > 2 * BLOCK_BYTES
    with pytest.raises(InputFileError, match="fields where the header has 16") as caught:
        load_month_input(con, ORDERS, bad, "2021-02", SALT)
    assert "after data row " in caught.value.problem
    assert [r[0] for r in fetch(con, "select order_id from raw.orders order by 1")] == ["A1", "A2"]
    corrupt = tmp_path / "orders.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputFileError, match="not a readable xlsx workbook"):
        load_month_input(con, ORDERS, corrupt, "2021-02", SALT)
    assert month_count(con, "orders", "2021-02") == 2


def test_missing_optional_file_empties_the_month(con, tmp_path, write_csv) -> None:
    header = [c.name for c in INSPECTIONS.columns]
    rows = [["I1", "U01", "", "2021-02-03 10:00:00", "首次回应", "否", "未联系"]]
    load_month_input(
        con, INSPECTIONS, write_csv(tmp_path / "a" / "inspections.csv", header, rows), "2021-02", SALT
    )
    load_month_input(
        con, INSPECTIONS, write_csv(tmp_path / "b" / "inspections.csv", header, rows), "2021-03", SALT
    )
    summary = load_month_input(con, INSPECTIONS, None, "2021-02", SALT)
    assert summary == LoadSummary("inspections", None, 0, 0, None, None, (), ())
    assert (month_count(con, "inspections", "2021-02"), month_count(con, "inspections", "2021-03")) == (0, 1)
    header_only = write_csv(tmp_path / "c" / "inspections.csv", header, [])
    summary = load_month_input(con, INSPECTIONS, header_only, "2021-03", SALT)
    assert (summary.source_file, summary.rows_read, summary.format) == ("inspections.csv", 0, "csv")
    assert month_count(con, "inspections", "2021-03") == 0


def test_missing_optional_column_is_stored_null(con, tmp_path, write_csv) -> None:
    header = ["call_id", "unit_code", "called_at", "target", "passed", "deduction"]
    path = write_csv(
        tmp_path / "test_calls.csv", header, [["T1", "U01", "2021-02-03 09:00:00", "值班电话", "0", "2"]]
    )
    summary = load_month_input(con, TEST_CALLS, path, "2021-02", SALT)
    assert summary.absent_columns == ("reason",)
    assert fetch(con, "select passed, deduction, reason, load_errors from raw.test_calls") == [
        (False, Decimal("2.0000"), None, None)
    ]


def test_xlsx_and_parquet_load(con, tmp_path, write_xlsx, write_parquet, order_header, make_order) -> None:
    xlsx = write_xlsx(
        tmp_path / "x" / "orders.xlsx",
        order_header,
        [
            make_order(
                "X1", received_at=dt.datetime(2021, 2, 1, 9, 30), supervision=True, caller_phone=13812345678
            )
        ],
    )
    summary = load_month_input(con, ORDERS, xlsx, "2021-02", SALT)
    assert (summary.format, summary.rows_read, summary.rows_with_load_errors) == ("xlsx", 1, 0)
    assert fetch(con, "select received_at, supervision from raw.orders") == [
        (dt.datetime(2021, 2, 1, 9, 30), True)
    ]

    table = pa.table({
        "county_code": ["C01", "C02"],
        "probed_at": pa.array(
            [dt.datetime(2021, 2, 3, 8, 0), dt.datetime(2021, 2, 4, 8, 0)], pa.timestamp("ns")
        ),
        "ok": [True, False],
        "latency_ms": pa.array([120, None], pa.int64()),
    })  # fmt: skip
    parquet = write_parquet(tmp_path / "p" / "interface_probes.parquet", table)
    load_month_input(con, INTERFACE_PROBES, parquet, "2021-02", SALT)
    assert fetch(
        con, "select county_code, probed_at, ok, latency_ms from raw.interface_probes order by 1"
    ) == [
        ("C01", dt.datetime(2021, 2, 3, 8, 0), True, 120),
        ("C02", dt.datetime(2021, 2, 4, 8, 0), False, None),
    ]


def test_units_reference_table(con, tmp_path, write_csv) -> None:
    path = write_csv(
        tmp_path / "units.csv", ["单位编码", "单位名称", "考评组"], [["U01", "海州区", "县区"]], "gb18030"
    )
    summary = load_month_input(con, UNITS, path, "2021-02", SALT)
    assert summary.encoding == "gb18030"
    assert fetch(con, "select month, unit_code, unit_name, unit_group, load_errors from raw.units") == [
        ("2021-02", "U01", "海州区", "县区", None)
    ]


def test_phone_is_stored_only_hashed(
    con, warehouse_path, tmp_path, write_csv, order_header, make_order
) -> None:
    orders = [
        make_order("A1", caller_phone=PHONE),
        make_order("A2", caller_phone="138-1234-5678"),
        make_order("A3", caller_phone=""),
        make_order("A4", caller_phone="未知"),
        make_order("A5", caller_phone="１３８１２３４５６７８"),
    ]
    path = write_csv(tmp_path / "orders.csv", order_header, orders)
    load_month_input(con, ORDERS, path, "2021-02", SALT)
    expected = hashlib.sha256((SALT + PHONE).encode()).hexdigest()
    assert fetch(con, "select caller_phone_hash from raw.orders order by order_id") == [
        (expected,), (expected,), (None,), (None,), (expected,)
    ]  # fmt: skip
    con.close()
    # scan every varchar column of every table of the file for the clear number
    with duckdb.connect(str(warehouse_path), read_only=True) as check:
        columns = check.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        assert columns
        for schema, table, column in columns:
            for clear in (PHONE, "1234-5678", "１３８１２３４"):
                sql = f'select count(*) from "{schema}"."{table}" where contains("{column}", ?)'
                assert check.execute(sql, [clear]).fetchone()[0] == 0, (schema, table, column, clear)
        assert "caller_phone" not in {c for _, _, c in columns}
    assert PHONE.encode() not in warehouse_path.read_bytes()


def test_content_with_phone_like_digits_is_masked(con, tmp_path, write_csv) -> None:
    texts = {
        "请回电13812345678，谢谢": "请回电***********，谢谢",
        "门牌号123456号": "门牌号123456号",  # 6 digits: not phone-like
        "电话 1234567 或 2楼": "电话 ******* 或 *楼",  # a 7-digit run masks every digit
        "全角１３８１２３４５６７８": "全角***********",
    }
    header = [c.name for c in COUNTY_RECORDS.columns]
    rows = [
        [f"R{i}", "C01", "2021-02-01 09:00:00", "电话", "投诉", text, "办理中", "", "", "", "",
         "2021-02-01 10:00:00", "2021-02-01 11:00:00"]
        for i, text in enumerate(texts)
    ]  # fmt: skip
    path = write_csv(tmp_path / "county_records.csv", header, rows)
    load_month_input(con, COUNTY_RECORDS, path, "2021-02", SALT)
    stored = [r[0] for r in fetch(con, "select content from raw.county_records order by source_row")]
    assert stored == list(texts.values())
    assert [len(s) for s in stored] == [len(t) for t in texts]


def test_rows_read_equal_rows_stored_over_many_batches(
    con, tmp_path, write_csv, order_header, make_order
) -> None:
    orders = [
        make_order(f"A{i:04d}", signed_at="bad" if i % 7 == 0 else "2021-02-01 11:00:00") for i in range(1000)
    ]
    path = write_csv(tmp_path / "orders.csv", order_header, orders)
    summary = load_month_input(con, ORDERS, path, "2021-02", SALT, batch_rows=64)
    assert summary.rows_read == 1000
    assert summary.rows_with_load_errors == len(range(0, 1000, 7))
    assert month_count(con, "orders", "2021-02") == 1000
    assert fetch(
        con, "select min(source_row), max(source_row), count(distinct source_row) from raw.orders"
    ) == [(1, 1000, 1000)]


def test_every_input_loads_an_all_text_row(con, tmp_path, write_csv) -> None:
    """Each input's SQL runs against its raw table (catches a contract column the SQL would miss)."""
    for spec in INPUTS:
        path = write_csv(
            tmp_path / spec.name / f"{spec.name}.csv", spec.column_names, [[""] * len(spec.columns)]
        )
        summary = load_month_input(con, spec, path, "2021-02", SALT)
        assert (summary.rows_read, summary.rows_with_load_errors) == (1, 0), spec.name
        assert month_count(con, spec.name, "2021-02") == 1


def test_bad_month_is_refused_before_touching_the_warehouse(con, tmp_path) -> None:
    with pytest.raises(ValueError):
        load_month_input(con, ORDERS, None, "2021/02", SALT)


def test_landing_folder_end_to_end(con, landing, write_csv, write_xlsx, order_header, make_order) -> None:
    """find_input_file then load_month_input for every input, as the raw assets do."""
    from pipelines.ingest import find_input_file

    write_csv(
        landing / "units.csv",
        ["unit_code", "unit_name", "unit_group"],
        [["U01", "市城管局", "市级部门及单位"]],
    )
    write_xlsx(landing / "2021-02" / "orders.xlsx", order_header, [make_order("A1"), make_order("A2")])
    summaries = {
        spec.name: load_month_input(con, spec, find_input_file(landing, "2021-02", spec), "2021-02", SALT)
        for spec in INPUTS
    }
    assert summaries["units"].source_file == "units.csv"
    assert (summaries["orders"].source_file, summaries["orders"].rows_read) == ("orders.xlsx", 2)
    absent = {name for name, s in summaries.items() if s.source_file is None}
    assert absent == {spec.name for spec in INPUTS} - {"units", "orders"}
    assert fetch(con, "select count(*), count(load_errors) from raw.orders") == [(2, 0)]
