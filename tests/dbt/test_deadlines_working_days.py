"""int_order_deadlines: empty deadlines = same clock time on the N-th working day after dispatch.

One warehouse, one dbt build (month 2021-10): carried-over orders dispatched around the 2021 Spring
Festival and orders around National Day 2021, with the PRC calendar from `write_working_calendar`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.working_calendar import calendar_rows, supported_years, write_working_calendar
from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

MONTH = "2021-10"

#: rules.md "Time limits": working days by category for sign, complete 市派, complete 省派
TIME_LIMITS = {
    "咨询": (1, 3, 2),
    "表扬": (1, 3, 2),
    "求助": (1, 5, 5),
    "信息采集上报": (1, 5, 5),
    "建议": (1, 10, 10),
    "举报": (1, 15, 15),
    "投诉": (1, 15, 15),
}


def insert_time_limits(con: duckdb.DuckDBPyConnection, month: str) -> None:
    """raw.rulebook_time_limits of the default rulebook (a reference table: no lineage columns)."""
    rows = []
    for category, (sign, city, province) in TIME_LIMITS.items():
        rows += [
            (month, "2021-01", "sign", "市派", category, sign),
            (month, "2021-01", "sign", "省派", category, sign),
            (month, "2021-01", "complete", "市派", category, city),
            (month, "2021-01", "complete", "省派", category, province),
        ]
    con.executemany("insert into raw.rulebook_time_limits values (?, ?, ?, ?, ?, ?)", rows)


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def order(order_id: str, dispatched_at: str, category: str = "咨询", level: str = "市派", **extra) -> dict:
    received = extra.pop("received_at", dispatched_at)
    return dict(
        order_id=order_id,
        received_at=ts(received),
        channel="电话",
        category=category,
        handling="交办",
        dispatch_level=level,
        unit_code="U1",
        dispatched_at=ts(dispatched_at),
        **extra,
    )


ORDERS = [
    # Spring Festival 2021: 11-17 Feb off, Sunday 7 Feb and Saturday 20 Feb adjusted working days.
    order("spring_city", "2021-02-10 10:00:00"),  # sign 1 -> 18 Feb; complete 3 -> 18, 19, 20 Feb
    order("spring_province", "2021-02-06 09:30:15", level="省派"),  # Saturday: 1 -> Sun 7 Feb; 2 -> 8 Feb
    order("spring_friday", "2021-02-05 17:00:00", category="求助"),  # 5 -> 7, 8, 9, 10, 18 Feb
    # National Day 2021: 1-7 Oct off, Sunday 26 Sep and Saturday 9 Oct adjusted working days.
    order("national_city", "2021-09-30 10:00:00"),  # sign -> 8 Oct; complete 3 -> 8, 9, 11 Oct
    order("national_province", "2021-09-30 10:00:00", level="省派"),  # complete 2 -> Saturday 9 Oct
    order("holiday_dispatch", "2021-10-03 14:15:30", category="求助"),  # sign -> 8 Oct; 5 -> 13 Oct
    # Sunday 26 Sep is a working day: sign -> 27 Sep; complete 10 -> 27..30 Sep, 8, 9, 11..14 Oct
    order("sunday_workday", "2021-09-26 08:00:00", category="建议"),
    # exported deadlines are kept as they are
    order(
        "exported",
        "2021-10-11 09:00:00",
        sign_deadline=ts("2021-10-11 12:00:00"),
        due_at=ts("2021-10-29 18:00:00"),
    ),
    # no time limit for a missing category: the deadline stays empty
    order("no_category", "2021-10-12 09:00:00", category=None),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("deadlines") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        write_working_calendar(con, 2020, 2022)
        insert_rows(
            con, "units", MONTH, [dict(unit_code="U1", unit_name="单位一", unit_group="市级部门及单位")]
        )
        insert_time_limits(con, MONTH)
        insert_rows(con, "orders", MONTH, ORDERS)
    dbt_build(path, MONTH, select="+int_order_flags")
    return path


@pytest.fixture(scope="module")
def deadlines(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select order_id, sign_deadline, due_at, sign_deadline_computed, due_at_computed "
            "from intermediate.int_order_deadlines where month = ?",
            [MONTH],
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize(
    ("order_id", "sign_deadline", "due_at"),
    [
        ("spring_city", "2021-02-18 10:00:00", "2021-02-20 10:00:00"),
        ("spring_province", "2021-02-07 09:30:15", "2021-02-08 09:30:15"),
        ("spring_friday", "2021-02-07 17:00:00", "2021-02-18 17:00:00"),
        ("national_city", "2021-10-08 10:00:00", "2021-10-11 10:00:00"),
        ("national_province", "2021-10-08 10:00:00", "2021-10-09 10:00:00"),
        ("holiday_dispatch", "2021-10-08 14:15:30", "2021-10-13 14:15:30"),
        ("sunday_workday", "2021-09-27 08:00:00", "2021-10-14 08:00:00"),
    ],
)
def test_computed_deadlines_follow_the_statutory_calendar(deadlines, order_id, sign_deadline, due_at):
    assert deadlines[order_id] == (ts(sign_deadline), ts(due_at), True, True)


def test_exported_deadlines_are_kept(deadlines):
    assert deadlines["exported"] == (ts("2021-10-11 12:00:00"), ts("2021-10-29 18:00:00"), False, False)


def test_deadline_without_time_limit_stays_empty(deadlines):
    assert deadlines["no_category"] == (None, None, True, True)


def test_flags_use_the_computed_deadlines(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        flags = dict(
            con.execute(
                "select order_id, (sign_counted, sign_late, due_in_month, completion_late, carried_over) "
                "from intermediate.int_order_flags where month = ?",
                [MONTH],
            ).fetchall()
        )
    # dispatched on a holiday, never signed: the computed deadline 8 Oct passed before the cutoff
    assert flags["holiday_dispatch"] == (True, True, True, True, False)
    # carried over from February, due then: not due in October
    assert flags["spring_city"] == (False, False, False, False, True)
    # due Saturday 9 Oct, not completed: late
    assert flags["national_province"] == (False, False, True, True, True)


def test_write_working_calendar_replaces_the_table_and_knows_adjusted_days(tmp_path):
    with duckdb.connect(str(tmp_path / "cal.duckdb")) as con:
        assert write_working_calendar(con, 2021, 2021) == 365
        assert write_working_calendar(con, 2020, 2021) == 366 + 365
        workday = dict(con.execute("select calendar_date, is_workday from raw.working_calendar").fetchall())
    assert len(workday) == 366 + 365
    assert workday[dt.date(2021, 2, 7)] is True  # Sunday, adjusted working day
    assert workday[dt.date(2021, 2, 11)] is False  # Spring Festival
    assert workday[dt.date(2021, 10, 9)] is True  # Saturday, adjusted working day
    assert workday[dt.date(2021, 10, 4)] is False  # National Day
    assert workday[dt.date(2021, 10, 10)] is False  # ordinary Sunday


def test_calendar_falls_back_to_monday_to_friday_beyond_the_package():
    last = supported_years()[1]
    year = last + 2
    rows = dict(calendar_rows(year, year))
    assert all(is_workday == (day.weekday() < 5) for day, is_workday in rows.items())
    default_rows = calendar_rows(2020, max(last, dt.date.today().year + 1))
    assert default_rows[-1][0] == dt.date(max(last, dt.date.today().year + 1), 12, 31)
