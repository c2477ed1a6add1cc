"""fct_intake, fct_intake_by_channel, fct_intake_by_category and dim_units for February 2021.

347 accepted orders (340 received in February, 7 carried over from January), 187 handled directly,
160 dispatched; all 咨询. Hand-computed figures:
  电话 212/347 = 61.0951 % -> 61.1, 微信 134/347 = 38.6167 % -> 38.62, 邮件 1/347 -> 0.29, 咨询 100 %;
  按时办结率 1/160 = 0.625 % -> 0.63 (half away from zero; a binary half-even round gives 0.62);
  及时签收率 3/8 = 37.5 %; 回访满意率 1/1 = 100 %.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.rulebook import write_rulebook_for_month
from pipelines.settings import CONFIG_DIR
from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

MONTH = "2021-02"


def ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def dispatched(
    order_id: str,
    received: str,
    sign_deadline: str,
    signed: str | None = None,
    completed: str | None = None,
    visit: str | None = None,
) -> dict:
    return dict(
        order_id=order_id,
        received_at=ts(received),
        channel="电话",
        category="咨询",
        handling="交办",
        dispatch_level="市派",
        unit_code="U1",
        dispatched_at=ts(received),
        sign_deadline=ts(sign_deadline),
        signed_at=ts(signed),
        due_at=ts("2021-02-26 12:00:00"),
        completed_at=ts(completed),
        visit_result=visit,
    )


def direct(order_id: str, channel: str) -> dict:
    return dict(
        order_id=order_id,
        received_at=ts("2021-02-03 10:00:00"),
        channel=channel,
        category="咨询",
        handling="直接办理",
    )


def february_orders() -> list[dict]:
    orders = [dispatched(f"carried{i}", "2021-01-25 10:00:00", "2021-01-26 10:00:00") for i in range(7)]
    # 8 sign-counted orders: 3 signed on time (one of them completed on time, 满意), 5 signed late
    orders.append(
        dispatched(
            "on_time0",
            "2021-02-01 10:00:00",
            "2021-02-02 10:00:00",
            "2021-02-02 10:00:00",
            "2021-02-20 10:00:00",
            "满意",
        )
    )
    orders += [
        dispatched(f"on_time{i}", "2021-02-01 10:00:00", "2021-02-02 10:00:00", "2021-02-01 11:00:00")
        for i in (1, 2)
    ]
    orders += [
        dispatched(f"late{i}", "2021-02-01 10:00:00", "2021-02-02 10:00:00", "2021-02-03 10:00:00")
        for i in range(5)
    ]
    # 145 dispatched on the last evening, unsigned, sign deadline after the cutoff: not counted
    orders += [dispatched(f"evening{i}", "2021-02-28 20:00:00", "2021-03-01 20:00:00") for i in range(145)]
    orders += [direct(f"phone{i}", "电话") for i in range(52)]
    orders += [direct(f"wechat{i}", "微信") for i in range(134)]
    orders.append(direct("mail0", "邮件"))
    # quarantined by the loader: not counted
    orders.append({**direct("unparsed", "电话"), "load_errors": "received_at: not a timestamp"})
    return orders


UNITS = [
    dict(unit_code="C1", unit_name="东海县", unit_group="县区"),
    dict(unit_code="D1", unit_name="连云区", unit_group="区及功能板块"),
    dict(unit_code="U1", unit_name="市人社局", unit_group="市级部门及单位"),
    dict(unit_code="X1", unit_name="市外单位", unit_group="不参与考评"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("intake") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        insert_rows(con, "units", MONTH, UNITS)
        insert_rows(con, "units", "2021-01", UNITS)
        insert_rows(con, "orders", "2021-01", [direct("january_only", "门户网站")])
        insert_rows(con, "orders", MONTH, february_orders())
        write_rulebook_for_month(con, MONTH, CONFIG_DIR / "rulebook.yaml")
    dbt_build(path, MONTH, select="+fct_intake +fct_intake_by_channel +fct_intake_by_category +dim_units")
    return path


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_intake_totals_and_platform_rates(warehouse):
    rows = query(warehouse, "select * from marts.fct_intake")
    assert rows == [(MONTH, 347, 340, 7, 187, 160, Decimal("0.63"), Decimal("37.50"), Decimal("100.00"))]


def test_intake_by_channel_shares_and_order(warehouse):
    rows = query(
        warehouse,
        "select month, name, count, share, sort_order from marts.fct_intake_by_channel order by sort_order",
    )
    assert rows == [
        (MONTH, "电话", 212, Decimal("61.10"), 1),
        (MONTH, "微信", 134, Decimal("38.62"), 2),
        (MONTH, "邮件", 1, Decimal("0.29"), 3),
    ]


def test_intake_by_category_single_category_is_100_percent(warehouse):
    rows = query(warehouse, "select month, name, count, share, sort_order from marts.fct_intake_by_category")
    assert rows == [(MONTH, "咨询", 347, Decimal("100.00"), 1)]


def test_dim_units_full_marks_and_ranked_groups(warehouse):
    rows = query(warehouse, "select * from marts.dim_units order by unit_code")
    assert rows == [
        (MONTH, "C1", "东海县", "县区", 150, True),
        (MONTH, "D1", "连云区", "区及功能板块", 100, True),
        (MONTH, "U1", "市人社局", "市级部门及单位", 100, True),
        (MONTH, "X1", "市外单位", "不参与考评", None, False),
    ]


def test_mart_columns_follow_the_data_model(warehouse):
    columns = {
        table: [r[0] for r in query(warehouse, f"describe marts.{table}")]
        for table in ("fct_intake", "fct_intake_by_channel", "dim_units")
    }
    assert columns == {
        "fct_intake": [
            "month",
            "total",
            "received_this_month",
            "carried_over",
            "direct",
            "dispatched",
            "on_time_completion_rate",
            "timely_sign_rate",
            "satisfaction_rate",
        ],
        "fct_intake_by_channel": ["month", "name", "count", "share", "sort_order"],
        "dim_units": ["month", "unit_code", "unit_name", "unit_group", "full_marks", "is_ranked_group"],
    }
