"""fct_province_summary / fct_province_units, and month isolation of the incremental marts.

One warehouse with the January and February 2021 exports, three dbt builds in order:
January (no December in the warehouse: no comparison), February (compared with January's 7 省派
orders), then January again after its raw rows changed, which must leave February's rows as they were.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

SELECT = "+fct_province_summary +fct_province_units +fct_intake"

UNITS = [
    dict(unit_code="A", unit_name="东海县", unit_group="县区"),
    dict(unit_code="B", unit_name="连云区", unit_group="区及功能板块"),
    dict(unit_code="C", unit_name="市住建局", unit_group="市级部门及单位"),
]


def ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def order(
    order_id: str,
    unit: str,
    level: str,
    received: str,
    due: str,
    completed: str | None = None,
    visit: str | None = None,
    **extra,
) -> dict:
    return dict(
        order_id=order_id,
        received_at=ts(received),
        channel="省12345平台交办",
        category="求助",
        handling="交办",
        dispatch_level=level,
        unit_code=unit,
        dispatched_at=ts(received),
        sign_deadline=ts(received) + dt.timedelta(days=1),
        signed_at=ts(received),
        due_at=ts(due),
        completed_at=ts(completed),
        visit_result=visit,
        **extra,
    )


JANUARY = [
    order(f"jan{i}", "A", "省派", "2021-01-10 09:00:00", "2021-01-20 09:00:00", "2021-01-15 09:00:00")
    for i in range(7)
]
JANUARY += [
    order(f"jan_city{i}", "C", "市派", "2021-01-10 09:00:00", "2021-01-20 09:00:00") for i in range(2)
]

FEBRUARY = [
    order(
        "a1",
        "A",
        "省派",
        "2021-02-01 09:00:00",
        "2021-02-10 09:00:00",
        "2021-02-10 09:00:00",
        "满意",
        supervision=True,
    ),
    order("a2", "A", "省派", "2021-02-01 09:00:00", "2021-02-10 09:00:00", "2021-02-05 09:00:00", "不满意"),
    order("a3", "A", "省派", "2021-02-01 09:00:00", "2021-02-10 09:00:00"),
    order("b1", "B", "省派", "2021-02-20 09:00:00", "2021-03-10 09:00:00"),
    order("b2", "B", "省派", "2021-02-20 09:00:00", "2021-03-10 09:00:00", "2021-02-25 09:00:00", "基本满意"),
    order(
        "c1",
        "C",
        "市派",
        "2021-02-01 09:00:00",
        "2021-02-10 09:00:00",
        "2021-02-05 09:00:00",
        "不满意",
        supervision=True,
    ),
    {
        **order("bad", "A", "省派", "2021-02-01 09:00:00", "2021-02-10 09:00:00"),
        "load_errors": "due_at: not a timestamp",
    },
]

SUMMARY_COLUMNS = [
    "month",
    "count",
    "previous_count",
    "change",
    "supervision_count",
    "unit_count",
    "due",
    "late",
    "on_time_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
]


def read(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def summary(path: Path) -> dict[str, tuple]:
    return {r[0]: r for r in read(path, "select * from marts.fct_province_summary")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("province") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        insert_rows(con, "units", "2021-01", UNITS)
        insert_rows(con, "units", "2021-02", UNITS)
        insert_rows(con, "orders", "2021-01", JANUARY)
        insert_rows(con, "orders", "2021-02", FEBRUARY)
    dbt_build(path, "2021-01", select=SELECT)
    first_january = summary(path)["2021-01"]
    dbt_build(path, "2021-02", select=SELECT)
    before_rerun = {
        "summary": summary(path),
        "units": read(path, "select * from marts.fct_province_units order by month, unit_code"),
        "intake": read(path, "select * from marts.fct_intake order by month"),
    }
    # January is reloaded with one more 省派 order and rebuilt
    with duckdb.connect(str(path)) as con:
        insert_rows(
            con,
            "orders",
            "2021-01",
            [
                order(
                    "jan_extra",
                    "B",
                    "省派",
                    "2021-01-11 09:00:00",
                    "2021-01-20 09:00:00",
                    "2021-01-12 09:00:00",
                ),
            ],
        )
    dbt_build(path, "2021-01", select=SELECT)
    return {"path": path, "first_january": first_january, "before_rerun": before_rerun}


def test_summary_column_names(runs):
    assert [r[0] for r in read(runs["path"], "describe marts.fct_province_summary")] == SUMMARY_COLUMNS


def test_previous_month_absent_gives_no_comparison(runs):
    assert runs["first_january"] == ("2021-01", 7, None, None, 0, 1, 7, 0, Decimal("100.00"), 0, 0, None)


def test_previous_month_present_gives_the_change(runs):
    # 5 accepted 省派 orders (the unparsed row is left out) against January's 7
    assert runs["before_rerun"]["summary"]["2021-02"] == (
        "2021-02",
        5,
        7,
        -2,
        1,
        2,
        3,
        1,
        Decimal("66.67"),
        3,
        2,
        Decimal("66.67"),
    )


def test_province_units(runs):
    february = [r for r in runs["before_rerun"]["units"] if r[0] == "2021-02"]
    assert february == [
        ("2021-02", "A", "东海县", 3, 3, 1, Decimal("66.67"), 2, 1, Decimal("50.00")),
        ("2021-02", "B", "连云区", 2, 0, 0, None, 1, 1, Decimal("100.00")),
    ]


def test_rerun_replaces_only_its_month(runs):
    path = runs["path"]
    before = runs["before_rerun"]
    after_summary = summary(path)
    assert after_summary["2021-02"] == before["summary"]["2021-02"]
    assert after_summary["2021-01"][:6] == ("2021-01", 8, None, None, 0, 2)
    units_after = read(path, "select * from marts.fct_province_units order by month, unit_code")
    assert [r for r in units_after if r[0] == "2021-02"] == [r for r in before["units"] if r[0] == "2021-02"]
    assert [r[:4] for r in units_after if r[0] == "2021-01"] == [
        ("2021-01", "A", "东海县", 7),
        ("2021-01", "B", "连云区", 1),
    ]
    intake_after = read(path, "select * from marts.fct_intake order by month")
    assert [r for r in intake_after if r[0] == "2021-02"] == [
        r for r in before["intake"] if r[0] == "2021-02"
    ]
    assert [r[:2] for r in intake_after] == [("2021-01", 10), ("2021-02", 6)]
    for table in ("intermediate.int_order_flags", "marts.fct_intake", "marts.fct_province_summary"):
        counts = dict(read(path, f"select month, count(*) from {table} group by month"))
        assert set(counts) == {"2021-01", "2021-02"}
