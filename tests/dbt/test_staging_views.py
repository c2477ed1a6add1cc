"""Staging views: every month, accepted rows only, no personal data, lengths instead of texts.

One warehouse with three months of hand-made raw rows and one dbt build of the staging views and
their tests; December 2020 holds a duplicate order id, so the build fails on `unique_per_month`
(and on nothing else) while the views are in place for the other assertions.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

UNITS = [
    dict(unit_code="C1", unit_name="东海县", unit_group="县区"),
    dict(unit_code="U1", unit_name="市人社局", unit_group="市级部门及单位"),
]
CONTENT = "  路灯不亮，请尽快维修 "  # 13 characters as stored, spaces included
REPLY = "已修复。"


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def order(order_id: str, **extra) -> dict:
    return dict(
        order_id=order_id,
        received_at=ts("2021-02-01 09:00:00"),
        channel="电话",
        category="咨询",
        handling="直接办理",
        caller_phone_hash="ab" * 32,
        content="请联系13800000000",
        **extra,
    )


@pytest.fixture(scope="module")
def staging_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The warehouse and dbt's output of 2021-02 (2020-12 holds a duplicate id, outside the month)."""
    path = tmp_path_factory.mktemp("staging") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for month in ("2021-01", "2021-02"):
            insert_rows(con, "units", month, UNITS)
        insert_rows(con, "units", "2020-12", UNITS)
        insert_rows(con, "orders", "2020-12", [order("D1"), order("D1")])
        # the same order id in two months is fine: ids are unique per month
        insert_rows(con, "orders", "2021-01", [order("O1", supervision=True)])
        insert_rows(
            con,
            "orders",
            "2021-02",
            [
                order("O1"),
                order("O2", load_errors="received_at: not a timestamp"),
            ],
        )
        insert_rows(
            con,
            "county_records",
            "2021-02",
            [
                dict(
                    record_id="R1",
                    county_code="C1",
                    content=CONTENT,
                    status="已办结",
                    reply=REPLY,
                    updated_at=ts("2021-02-01 09:00:00"),
                    pushed_at=ts("2021-02-01 10:00:00"),
                ),
                dict(
                    record_id="R2",
                    county_code="C1",
                    content=None,
                    status="办理中",
                    updated_at=ts("2021-02-01 09:00:00"),
                    pushed_at=ts("2021-02-01 10:00:00"),
                ),
            ],
        )
        con.execute(
            "insert into raw.rulebook_time_limits values ('2021-02', '2021-01', 'sign', '市派', '咨询', 1)"
        )
    # not `staging` as a whole: tests of downstream models that read stg_rulebook_params would be
    # selected too (dbt's eager indirect selection) without their models
    # the data tests are scoped to the month built (where: month = …): 2020-12's duplicate id does
    # not fail 2021-02's build
    output = dbt_build(
        path,
        "2021-02",
        select="stg_units stg_orders stg_county_records stg_rulebook_time_limits stg_working_calendar",
    )
    return path, output


@pytest.fixture(scope="module")
def warehouse(staging_build: tuple[Path, str]) -> Path:
    return staging_build[0]


def read(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_staging_covers_every_month_and_only_accepted_rows(warehouse):
    rows = read(
        warehouse,
        "select month, order_id, supervision from staging.stg_orders where month >= '2021-01' order by month",
    )
    assert rows == [("2021-01", "O1", True), ("2021-02", "O1", False)]


def test_stg_orders_has_no_personal_data(warehouse):
    columns = [r[0] for r in read(warehouse, "describe staging.stg_orders")]
    assert columns == [
        "month",
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
    ]


def test_county_records_expose_lengths_not_texts(warehouse):
    columns = [r[0] for r in read(warehouse, "describe staging.stg_county_records")]
    assert "content" not in columns and "reply" not in columns
    rows = read(
        warehouse,
        "select record_id, content_length, reply_length from staging.stg_county_records order by record_id",
    )
    assert rows == [("R1", 13, 4), ("R2", None, None)]


def test_reference_views(warehouse):
    assert read(warehouse, "select * from staging.stg_rulebook_time_limits") == [
        ("2021-02", "2021-01", "sign", "市派", "咨询", 1)
    ]
    assert read(warehouse, "select count(*) from staging.stg_working_calendar") == [(0,)]


def test_unique_per_month_rejects_only_the_duplicate_id(staging_build):
    path, output = staging_build
    # 2021-02's build passed: another month's duplicate is not this month's failure
    assert re.findall(r"(?:FAIL \d+|ERROR) (\w+) \.", output) == []
    assert re.search(r"PASS unique_per_month_stg_orders_order_id", output)
    # the month that holds it fails on that test alone
    with pytest.raises(AssertionError) as failed:
        dbt_build(path, "2020-12", select="stg_units stg_orders")
    failures = re.findall(r"(?:FAIL \d+|ERROR) (\w+) \.", str(failed.value))
    assert failures == ["unique_per_month_stg_orders_order_id"]
