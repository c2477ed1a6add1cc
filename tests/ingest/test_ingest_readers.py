"""read_batches: every format, header spellings, encodings, and every kind of unreadable file."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.contract import COUNTY_ASSESSMENTS, INTERFACE_PROBES, ORDERS, TEST_CALLS, UNITS
from pipelines.ingest.encoding import CHUNK_BYTES
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.readers import open_input, read_batches

PHONE = "13812345678"


def read_all(path: Path, spec=ORDERS, batch_rows: int = 200_000) -> pa.Table:
    batches = list(read_batches(path, spec, batch_rows))
    schema = batches[0].schema if batches else None
    return pa.Table.from_batches(batches, schema=schema) if batches else pa.table({})


def rows(path: Path, spec=ORDERS, batch_rows: int = 200_000) -> list[dict[str, object]]:
    return read_all(path, spec, batch_rows).to_pylist()


def expect_error(path: Path, spec=ORDERS) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        list(read_batches(path, spec))
    error = caught.value
    assert str(error).startswith(f"{path}: ")
    assert ". Fix: " in str(error)
    assert PHONE not in str(error)
    return error


# --- csv ---------------------------------------------------------------------------------------


def test_csv_utf8_gives_contract_columns_as_text(tmp_path: Path, write_csv, order_header, make_order) -> None:
    path = write_csv(tmp_path / "orders.csv", order_header, [make_order("A1"), make_order("A2", content="")])
    table = read_all(path)
    assert table.schema.names == [*ORDERS.column_names, "source_row"]
    assert all(table.schema.field(n).type == pa.string() for n in ORDERS.column_names)
    assert table.schema.field("source_row").type == pa.int64()
    first, second = table.to_pylist()
    assert first["order_id"] == "A1"
    assert first["received_at"] == "2021-02-01 09:00:00"
    assert first["channel"] == "电话"
    assert first["caller_phone"] == PHONE
    assert (first["source_row"], second["source_row"]) == (1, 2)
    assert second["content"] is None  # empty cell -> null


def test_csv_utf8_bom_and_messy_headers(tmp_path: Path, write_csv, make_order) -> None:
    header = ["  Order_ID ", "RECEIVED_AT", *ORDERS.column_names[2:]]
    path = write_csv(tmp_path / "orders.csv", header, [make_order("B1")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open_input(path, ORDERS) as stream:
        assert stream.encoding == "utf-8-sig"
        assert stream.header.file_names["order_id"] == "Order_ID"
        data = pa.Table.from_batches(list(stream)).to_pylist()
    assert data[0]["order_id"] == "B1"
    assert data[0]["received_at"] == "2021-02-01 09:00:00"


def test_csv_gb18030_with_chinese_headers(tmp_path: Path, write_csv, make_order) -> None:
    header = [ORDERS.column(name).chinese for name in ORDERS.column_names]
    path = write_csv(
        tmp_path / "orders.csv", header, [make_order("C1", content="噪音扰民，请处理")], encoding="gbk"
    )
    with open_input(path, ORDERS) as stream:
        assert stream.encoding == "gb18030"
        assert stream.format == "csv"
        assert stream.header.file_names["received_at"] == "受理时间"
        data = pa.Table.from_batches(list(stream)).to_pylist()
    assert data[0]["order_id"] == "C1"
    assert data[0]["content"] == "噪音扰民，请处理"
    assert data[0]["visit_result"] == "满意"


def test_csv_line_breaks_inside_cells_and_batches(
    tmp_path: Path, write_csv, order_header, make_order
) -> None:
    orders = [make_order(f"D{i}", content=f"第{i}行\n第二行") for i in range(1, 6)]
    path = write_csv(tmp_path / "orders.csv", order_header, orders)
    batches = list(read_batches(path, ORDERS, batch_rows=2))
    assert [b.num_rows for b in batches] == [2, 2, 1]
    data = pa.Table.from_batches(batches).to_pylist()
    assert [r["source_row"] for r in data] == [1, 2, 3, 4, 5]
    assert data[4]["content"] == "第5行\n第二行"


def test_csv_header_only_is_an_empty_table(tmp_path: Path, write_csv, order_header) -> None:
    path = write_csv(tmp_path / "orders.csv", order_header, [])
    assert list(read_batches(path, ORDERS)) == []


def test_missing_optional_column_is_all_null(tmp_path: Path, write_csv) -> None:
    path = write_csv(
        tmp_path / "interface_probes.csv",
        ["county_code", "probed_at", "ok", "备注"],
        [["C01", "2021-02-03 08:00:00", "1", "x"]],
    )
    with open_input(path, INTERFACE_PROBES) as stream:
        assert stream.header.absent == ("latency_ms",)
        assert stream.header.ignored == ("备注",)
        data = pa.Table.from_batches(list(stream)).to_pylist()
    assert data == [
        {
            "county_code": "C01",
            "probed_at": "2021-02-03 08:00:00",
            "ok": "1",
            "latency_ms": None,
            "source_row": 1,
        }
    ]


# --- xlsx --------------------------------------------------------------------------------------


def test_xlsx_date_cells_text_timestamps_and_numbers(
    tmp_path: Path, write_xlsx, order_header, make_order
) -> None:
    excel_float_noise = dt.datetime(2021, 2, 1, 9, 59, 59, 999_600)
    orders = [
        make_order(
            "X1",
            received_at=excel_float_noise,
            dispatched_at=dt.datetime(2021, 2, 1, 10, 0, 0),
            supervision=True,
            caller_phone=13812345678.0,
            completed_at=None,
        ),
        [None] * len(order_header),  # an empty row is skipped; the next keeps its sheet position
        make_order("X2", received_at="2021-02-02 08:00:00", supervision=0, unit_code=1001),
    ]
    path = write_xlsx(tmp_path / "orders.xlsx", order_header, orders)
    with open_input(path, ORDERS) as stream:
        assert (stream.format, stream.encoding) == ("xlsx", None)
        data = pa.Table.from_batches(list(stream)).to_pylist()
    first, second = data
    assert first["received_at"] == "2021-02-01 10:00:00"
    assert first["dispatched_at"] == "2021-02-01 10:00:00"
    assert first["supervision"] == "true"
    assert first["caller_phone"] == PHONE
    assert first["completed_at"] is None
    assert second["received_at"] == "2021-02-02 08:00:00"
    assert second["supervision"] == "0"
    assert second["unit_code"] == "1001"
    assert (first["source_row"], second["source_row"]) == (1, 3)


def test_xlsx_chinese_headers_and_missing_optional_columns(tmp_path: Path, write_xlsx) -> None:
    path = write_xlsx(
        tmp_path / "test_calls.xlsx",
        ["拨测编号", "单位编码", "拨测时间", "拨测对象", "是否通过", "扣分"],
        [["T1", "U01", "2021-02-03 09:00:00", "热线坐席", "否", 1.5]],
    )
    data = rows(path, TEST_CALLS)
    assert data == [
        {
            "call_id": "T1",
            "unit_code": "U01",
            "called_at": "2021-02-03 09:00:00",
            "target": "热线坐席",
            "passed": "否",
            "deduction": "1.5",
            "reason": None,
            "source_row": 1,
        }
    ]


def test_xlsx_header_only_is_an_empty_table(tmp_path: Path, write_xlsx) -> None:
    path = write_xlsx(tmp_path / "units.xlsx", ["unit_code", "unit_name", "unit_group"], [])
    assert list(read_batches(path, UNITS)) == []


# --- parquet -----------------------------------------------------------------------------------


def test_parquet_timestamp_columns_bools_and_numbers(tmp_path: Path, write_parquet) -> None:
    table = pa.table(
        {
            "county_code": pa.array(["C01", "C02", "C03"]),
            "probed_at": pa.array(
                [dt.datetime(2021, 2, 3, 8, 0, 0, 123456), None, dt.datetime(2021, 2, 28, 23, 59, 59)],
                pa.timestamp("us"),
            ),
            "ok": pa.array([True, False, None]),
            "latency_ms": pa.array([120.0, 35.5, None]),
        }
    )
    path = write_parquet(tmp_path / "interface_probes.parquet", table)
    data = rows(path, INTERFACE_PROBES)
    assert [r["probed_at"] for r in data] == ["2021-02-03 08:00:00", None, "2021-02-28 23:59:59"]
    assert [r["ok"] for r in data] == ["true", "false", None]
    assert [r["latency_ms"] for r in data] == ["120", "35.5", None]
    assert [r["source_row"] for r in data] == [1, 2, 3]


def test_parquet_zoned_timestamps_are_shown_in_local_time(tmp_path: Path, write_parquet) -> None:
    utc = pa.array([dt.datetime(2021, 2, 3, 0, 30, tzinfo=dt.UTC)], pa.timestamp("ms", tz="UTC"))
    table = pa.table({"county_code": ["C01"], "probed_at": utc, "ok": pa.array([1], pa.int8())})
    path = write_parquet(tmp_path / "interface_probes.parquet", table)
    assert rows(path, INTERFACE_PROBES)[0]["probed_at"] == "2021-02-03 08:30:00"
    assert rows(path, INTERFACE_PROBES)[0]["ok"] == "1"


def test_parquet_text_timestamps_dictionary_and_decimals(tmp_path: Path, write_parquet) -> None:
    import decimal

    table = pa.table(
        {
            "county_code": pa.array(["C01", "C01"]).dictionary_encode(),
            "integration_score": pa.array([decimal.Decimal("4.50"), None], pa.decimal128(5, 2)),
            "deduction": pa.array([0, 2], pa.int32()),
            "deduction_reason": pa.array([None, "接口中断"]),
        }
    )
    path = write_parquet(tmp_path / "county_assessments.parquet", table)
    data = rows(path, COUNTY_ASSESSMENTS)
    assert [
        (r["county_code"], r["integration_score"], r["deduction"], r["deduction_reason"]) for r in data
    ] == [
        ("C01", "4.50", "0", None),
        ("C01", None, "2", "接口中断"),
    ]
    text_ts = pa.table({"county_code": ["C01"], "probed_at": ["2021/02/03 08:00:00"], "ok": ["是"]})
    path = write_parquet(tmp_path / "interface_probes.parquet", text_ts)
    assert rows(path, INTERFACE_PROBES)[0]["probed_at"] == "2021/02/03 08:00:00"


def test_parquet_batches_number_rows_across_batches(tmp_path: Path, write_parquet) -> None:
    table = pa.table(
        {"county_code": [f"C{i}" for i in range(7)], "probed_at": ["2021-02-01"] * 7, "ok": ["1"] * 7}
    )
    path = write_parquet(tmp_path / "interface_probes.parquet", table)
    batches = list(read_batches(path, INTERFACE_PROBES, batch_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 1]
    assert pa.Table.from_batches(batches).column("source_row").to_pylist() == list(range(1, 8))


# --- unreadable files --------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet"])
def test_zero_byte_file_is_empty(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"orders.{ext}"
    path.write_bytes(b"")
    error = expect_error(path)
    assert "the file is empty" in error.problem


def test_csv_with_only_blank_lines_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\n")
    assert "the file is empty (no header row)" in expect_error(path).problem


def test_missing_required_column(tmp_path: Path, write_csv, order_header, make_order) -> None:
    header = [h for h in order_header if h != "received_at"]
    row = make_order()
    del row[order_header.index("received_at")]
    path = write_csv(tmp_path / "orders.csv", header, [row])
    error = expect_error(path)
    assert error.problem.startswith(
        "the required column 'received_at' (受理时间) is missing (columns found: "
    )
    assert error.fix == "export the column, with the English or the Chinese header"


@pytest.mark.parametrize("writer", ["write_xlsx", "write_parquet"])
def test_missing_required_columns_in_xlsx_and_parquet(tmp_path: Path, writer: str, request) -> None:
    write = request.getfixturevalue(writer)
    if writer == "write_xlsx":
        path = write(tmp_path / "units.xlsx", ["unit_code"], [["U01"]])
    else:
        path = write(tmp_path / "units.parquet", pa.table({"unit_code": ["U01"]}))
    error = expect_error(path, UNITS)
    assert "the required columns 'unit_name' (单位名称), 'unit_group' (考评组) are missing" in error.problem


def test_two_headers_for_one_column(tmp_path: Path, write_csv) -> None:
    path = write_csv(
        tmp_path / "units.csv",
        ["unit_code", "单位编码", "unit_name", "unit_group"],
        [["a", "b", "c", "县区"]],
    )
    error = expect_error(path, UNITS)
    assert (
        error.problem == "the header has two columns for 'unit_code' (单位编码): 'unit_code' and '单位编码'"
    )


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(b"unit_code,unit_name,unit_group\nU01,\xff\xfe\x80,x\n")
    error = expect_error(path, UNITS)
    assert error.problem == "undecodable bytes at byte 35: the file is neither UTF-8 nor GB18030 (GBK)"
    assert "re-export the file as CSV in UTF-8 or GB18030" in error.fix


def test_utf16_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes("unit_code\tunit_name\n".encode("utf-16"))
    assert "UTF-16" in expect_error(path, UNITS).problem


def test_decode_error_after_the_sample_still_names_the_file(tmp_path: Path, write_csv) -> None:
    # over a chunk of valid UTF-8 Chinese, then a GBK-encoded row: detected as UTF-8, fails while streaming
    good = [[f"U{i:05d}", "市城市管理局" * 5, "市级部门及单位"] for i in range(12_000)]
    path = write_csv(tmp_path / "units.csv", ["unit_code", "unit_name", "unit_group"], good)
    with path.open("ab") as handle:
        handle.write("U99999,城管局,县区\n".encode("gbk"))
    assert path.stat().st_size > 1.3 * CHUNK_BYTES
    error = expect_error(path, UNITS)
    assert error.problem.startswith(
        "two encodings in one file: lines 1–12001 are UTF-8 but line 12002 is GB18030 (GBK)"
    )
    assert "one encoding" in error.fix


def test_gb18030_decode_error_mid_file(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    body = "单位编码,单位名称,考评组\nU01,城管局,县区\n".encode("gbk") + b"U02,\x80\xff,x\n"
    path.write_bytes(body)
    error = expect_error(path, UNITS)
    assert error.problem.startswith("undecodable bytes")


def test_row_with_too_many_fields_does_not_quote_the_row(
    tmp_path: Path, write_csv, order_header, make_order
) -> None:
    path = write_csv(tmp_path / "orders.csv", order_header, [make_order("A1"), [*make_order("A2"), "extra"]])
    error = expect_error(path)
    assert "has 17 fields where the header has 16" in error.problem


def test_corrupt_and_truncated_xlsx(tmp_path: Path, write_xlsx) -> None:
    not_zip = tmp_path / "units.xlsx"
    not_zip.write_text("unit_code,unit_name\n")
    error = expect_error(not_zip, UNITS)
    assert error.problem == (
        "the file is not a readable xlsx workbook: its content is text (probably tab- or comma-separated)"
    )
    assert "save it as .xlsx" in error.fix

    good = write_xlsx(
        tmp_path / "good.xlsx", ["unit_code", "unit_name", "unit_group"], [["U01", "城管局", "县区"]]
    )
    truncated = tmp_path / "truncated" / "units.xlsx"
    truncated.parent.mkdir()
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "not a readable xlsx workbook" in expect_error(truncated, UNITS).problem

    no_sheet_xml = tmp_path / "broken" / "units.xlsx"
    no_sheet_xml.parent.mkdir()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(no_sheet_xml, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # XML cut in the middle
            target.writestr(item, data)
    assert "not a readable xlsx workbook" in expect_error(no_sheet_xml, UNITS).problem


def test_truncated_parquet(tmp_path: Path, write_parquet) -> None:
    good = write_parquet(
        tmp_path / "good.parquet",
        pa.table({"unit_code": ["U01"], "unit_name": ["a"], "unit_group": ["县区"]}),
    )
    path = tmp_path / "units.parquet"
    path.write_bytes(good.read_bytes()[:-20])
    error = expect_error(path, UNITS)
    assert error.problem.startswith("the file is not a readable parquet file: ArrowInvalid:")
    assert "truncated" in error.fix


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "units.ods"
    path.write_bytes(b"x")
    assert "'.ods' is not one the loader reads (csv, xlsx, xls, parquet)" in expect_error(path, UNITS).problem


def test_library_errors_never_escape(tmp_path: Path, write_parquet) -> None:
    nested = pa.table({"unit_code": pa.array([{"a": 1}]), "unit_name": ["a"], "unit_group": ["县区"]})
    path = write_parquet(tmp_path / "units.parquet", nested)
    error = expect_error(path, UNITS)
    assert "cannot be read as unit_code" in error.problem


def test_stream_reports_header(tmp_path: Path, write_csv) -> None:
    path = write_csv(tmp_path / "units.csv", ["单位编码", "unit_name", "Unit_Group", "remark"], [])
    with open_input(path, UNITS) as stream:
        assert stream.header.positions == {"unit_code": 0, "unit_name": 1, "unit_group": 2}
        assert stream.header.ignored == ("remark",)
        assert list(stream) == []


def test_a_directory_or_missing_path_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "orders.csv"
    folder.mkdir()
    assert "cannot be read" in expect_error(folder).problem
    assert expect_error(tmp_path / "units.csv", UNITS).problem == "the file does not exist"
