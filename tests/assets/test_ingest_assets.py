"""The ingest assets called directly: landing file → `raw.<input>` in a real DuckDB file."""

from __future__ import annotations

import hashlib

import dagster as dg

from pipelines.resources import WarehouseResource
from tests.assets.conftest import MONTH, PHONE, SALT, query


def test_raw_units_loads_the_chinese_headed_export(loaded: dict[str, dg.MaterializeResult], warehouse):
    result = loaded["raw/units"]
    assert result.metadata["rows_read"] == 3
    assert result.metadata["rows_with_load_errors"] == 0
    assert result.metadata["rows_in_warehouse"] == 3
    assert result.metadata["source_file"].endswith("landing/units.csv")
    assert query(warehouse, "select unit_code, unit_name, unit_group from raw.units order by source_row") == [
        ("C01", "市公安局", "市级部门及单位"),
        ("LYG01", "东海县", "县区"),
        ("X01", "市民卡公司", "不参与考评"),
    ]


def test_raw_orders_keeps_every_row_and_no_phone_number(loaded, warehouse: WarehouseResource):
    result = loaded["raw/orders"]
    assert (result.metadata["rows_read"], result.metadata["rows_with_load_errors"]) == (4, 0)
    rows = query(
        warehouse,
        "select order_id, source_row, handling, unit_code, supervision, caller_phone_hash, content "
        "from raw.orders where month = ? order by source_row",
        [MONTH],
    )
    assert [r[:5] for r in rows] == [
        ("A1", 1, "交办", "C01", False),
        ("A2", 2, "直接办理", None, False),
        ("A3", 3, "交办", "LYG01", True),
        ("A4", 4, "交办", "NOPE", False),
    ]
    # the phone is stored as sha256(salt || phone), and masked digit by digit inside the content
    assert rows[0][5] == hashlib.sha256(f"{SALT}{PHONE}".encode()).hexdigest()
    assert rows[0][6] == "路灯不亮，联系电话" + "*" * len(PHONE)
    assert PHONE not in str(query(warehouse, "select * from raw.orders"))


def test_an_optional_input_without_a_file_is_an_empty_month(loaded, warehouse: WarehouseResource):
    result = loaded["raw/inspections"]
    assert (result.metadata["source_file"], result.metadata["rows_read"]) == ("(none)", 0)
    assert query(warehouse, "select count(*) from raw.inspections where month = ?", [MONTH]) == [(0,)]


def test_the_rulebook_in_force_and_the_calendar(loaded, warehouse: WarehouseResource):
    # config/rulebook.yaml: the version effective from 2021-01 scores February 2021
    for table in ("raw/rulebook_params", "raw/rulebook_time_limits", "raw/rulebook_texts"):
        assert loaded[table].metadata["rulebook_version"] == "2021-01", table
    params = query(warehouse, "select count(*) from raw.rulebook_params where month = ?", [MONTH])[0][0]
    assert loaded["raw/rulebook_params"].metadata["dagster/row_count"] == params > 0
    # the calendar is replaced whole, one row a day; 春节 2021 (State Council notice): 11–17 Feb off,
    # Sunday 7 Feb and Saturday 20 Feb worked
    days = query(warehouse, "select count(*), count(distinct calendar_date) from raw.working_calendar")[0]
    assert loaded["raw/working_calendar"].metadata["dagster/row_count"] == days[0] == days[1]
    february = dict(
        query(
            warehouse,
            "select strftime(calendar_date, '%d'), is_workday from raw.working_calendar "
            "where calendar_date between '2021-02-06' and '2021-02-21'",
        )
    )
    workdays = [day for day, workday in sorted(february.items()) if workday]
    assert workdays == ["07", "08", "09", "10", "18", "19", "20"]


def test_a_month_loaded_again_replaces_its_rows(loaded, files, warehouse: WarehouseResource, home):
    from pipelines.ingest.assets import raw_assets

    orders = next(a for a in raw_assets if a.key == dg.AssetKey(["raw", "orders"]))
    again = orders(dg.build_asset_context(partition_key=MONTH), files=files, warehouse=warehouse, home=home)
    assert again.metadata["rows_in_warehouse"] == 4
    assert query(warehouse, "select count(*) from raw.orders where month = ?", [MONTH]) == [(4,)]
