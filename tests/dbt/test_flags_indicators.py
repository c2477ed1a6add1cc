"""int_order_flags: each unit-indicator flag at its edges (rules.md "Unit indicators").

One warehouse, one dbt build of March 2021 (M_start 2021-03-01 00:00, cutoff 2021-04-01 00:00); the
February export beside it must not leak in. Deadlines are given, so no calendar is needed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

MONTH = "2021-03"
FLAGS = (
    "dispatched_in_month",
    "sign_counted",
    "signed_on_time",
    "sign_late",
    "due_in_month",
    "completed_on_time",
    "completion_late",
    "completed_in_month",
    "rated",
    "satisfied",
    "unsatisfied",
    "carried_over",
)


def ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def dispatched(
    order_id: str,
    received: str,
    dispatched_at: str,
    sign_deadline: str | None,
    signed: str | None,
    due: str | None,
    completed: str | None = None,
    visit: str | None = None,
    **extra,
) -> dict:
    return dict(
        order_id=order_id,
        received_at=ts(received),
        channel="电话",
        category="求助",
        handling="交办",
        dispatch_level=extra.pop("dispatch_level", "市派"),
        unit_code="U1",
        dispatched_at=ts(dispatched_at),
        sign_deadline=ts(sign_deadline),
        signed_at=ts(signed),
        due_at=ts(due),
        completed_at=ts(completed),
        visit_result=visit,
        **extra,
    )


MARCH_ORDERS = [
    # signed exactly at the deadline: counted and on time
    dispatched(
        "sign_at_deadline",
        "2021-03-02 08:00:00",
        "2021-03-02 09:00:00",
        "2021-03-03 09:00:00",
        "2021-03-03 09:00:00",
        "2021-04-09 09:00:00",
    ),
    # signed one second late
    dispatched(
        "sign_after_deadline",
        "2021-03-02 08:00:00",
        "2021-03-02 09:00:00",
        "2021-03-03 09:00:00",
        "2021-03-03 09:00:01",
        "2021-04-09 09:00:00",
    ),
    # unsigned, deadline passed before the cutoff: counted and late
    dispatched(
        "unsigned_passed",
        "2021-03-30 08:00:00",
        "2021-03-30 09:00:00",
        "2021-03-31 09:00:00",
        None,
        "2021-04-09 09:00:00",
    ),
    # unsigned, deadline after the cutoff: not counted
    dispatched(
        "unsigned_future",
        "2021-03-31 20:00:00",
        "2021-03-31 21:00:00",
        "2021-04-01 21:00:00",
        None,
        "2021-04-09 21:00:00",
    ),
    # deadline exactly at the cutoff is not before it: unsigned, not counted
    dispatched(
        "deadline_at_cutoff",
        "2021-03-31 00:00:00",
        "2021-03-31 00:00:00",
        "2021-04-01 00:00:00",
        None,
        "2021-04-09 00:00:00",
    ),
    # signed before a deadline after the cutoff: counted (signed) and on time
    dispatched(
        "signed_future_deadline",
        "2021-03-31 20:00:00",
        "2021-03-31 21:00:00",
        "2021-04-01 21:00:00",
        "2021-03-31 22:00:00",
        "2021-04-09 21:00:00",
    ),
    # due in M, completed exactly at the due time: on time; completed in M, 满意
    dispatched(
        "done_at_due",
        "2021-03-01 08:00:00",
        "2021-03-01 09:00:00",
        "2021-03-02 09:00:00",
        "2021-03-01 10:00:00",
        "2021-03-08 09:00:00",
        "2021-03-08 09:00:00",
        "满意",
    ),
    # due in M, completed after the due time: late; 不满意
    dispatched(
        "done_late",
        "2021-03-01 08:00:00",
        "2021-03-01 09:00:00",
        "2021-03-02 09:00:00",
        "2021-03-01 10:00:00",
        "2021-03-08 09:00:00",
        "2021-03-09 09:00:00",
        "不满意",
    ),
    # due in M, not completed by the cutoff: late
    dispatched(
        "due_open",
        "2021-03-01 08:00:00",
        "2021-03-01 09:00:00",
        "2021-03-02 09:00:00",
        "2021-03-01 10:00:00",
        "2021-03-31 23:59:59",
    ),
    # completed in M, due after the cutoff: not due; 基本满意 counts as satisfied
    dispatched(
        "done_early",
        "2021-03-20 08:00:00",
        "2021-03-20 09:00:00",
        "2021-03-21 09:00:00",
        "2021-03-20 10:00:00",
        "2021-04-20 09:00:00",
        "2021-03-25 09:00:00",
        "基本满意",
    ),
    # completed in M, 未回访: not rated
    dispatched(
        "not_visited",
        "2021-03-20 08:00:00",
        "2021-03-20 09:00:00",
        "2021-03-21 09:00:00",
        "2021-03-20 10:00:00",
        "2021-04-20 09:00:00",
        "2021-03-25 09:00:00",
        "未回访",
    ),
    # completed in M, visit result empty: not rated
    dispatched(
        "no_visit",
        "2021-03-20 08:00:00",
        "2021-03-20 09:00:00",
        "2021-03-21 09:00:00",
        "2021-03-20 10:00:00",
        "2021-04-20 09:00:00",
        "2021-03-25 09:00:00",
    ),
    # carried over: received and dispatched in February, due in March, completed in March on time
    dispatched(
        "carried",
        "2021-02-20 08:00:00",
        "2021-02-20 09:00:00",
        "2021-02-22 09:00:00",
        "2021-02-22 09:30:00",
        "2021-03-05 09:00:00",
        "2021-03-04 09:00:00",
        "满意",
        dispatch_level="省派",
        supervision=True,
    ),
    # handled by the hotline itself: no flags row
    dict(
        order_id="direct",
        received_at=ts("2021-03-05 10:00:00"),
        channel="电话",
        category="咨询",
        handling="直接办理",
    ),
    # a row the loader could not parse: left out
    {
        **dispatched(
            "unparsed",
            "2021-03-02 08:00:00",
            "2021-03-02 09:00:00",
            "2021-03-03 09:00:00",
            None,
            "2021-03-05 09:00:00",
        ),
        "load_errors": "signed_at: not a timestamp",
    },
]

T, F = True, False
# fmt: off
EXPECTED = {
    #                         disp sc  sot sl  due cot cl  cim rat sat uns carr
    "sign_at_deadline":       (T,  T,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F),
    "sign_after_deadline":    (T,  T,  F,  T,  F,  F,  F,  F,  F,  F,  F,  F),
    "unsigned_passed":        (T,  T,  F,  T,  F,  F,  F,  F,  F,  F,  F,  F),
    "unsigned_future":        (T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F),
    "deadline_at_cutoff":     (T,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F,  F),
    "signed_future_deadline": (T,  T,  T,  F,  F,  F,  F,  F,  F,  F,  F,  F),
    "done_at_due":            (T,  T,  T,  F,  T,  T,  F,  T,  T,  T,  F,  F),
    "done_late":              (T,  T,  T,  F,  T,  F,  T,  T,  T,  F,  T,  F),
    "due_open":               (T,  T,  T,  F,  T,  F,  T,  F,  F,  F,  F,  F),
    "done_early":             (T,  T,  T,  F,  F,  F,  F,  T,  T,  T,  F,  F),
    "not_visited":            (T,  T,  T,  F,  F,  F,  F,  T,  F,  F,  F,  F),
    "no_visit":               (T,  T,  T,  F,  F,  F,  F,  T,  F,  F,  F,  F),
    "carried":                (F,  F,  F,  F,  T,  T,  F,  T,  T,  T,  F,  T),
}
# fmt: on


@pytest.fixture(scope="module")
def flags(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    path: Path = tmp_path_factory.mktemp("flags") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for month in ("2021-02", MONTH):
            insert_rows(
                con, "units", month, [dict(unit_code="U1", unit_name="单位一", unit_group="市级部门及单位")]
            )
        # February's export: one due and late order that must not appear in March
        insert_rows(
            con,
            "orders",
            "2021-02",
            [
                dispatched(
                    "february_only",
                    "2021-02-01 08:00:00",
                    "2021-02-01 09:00:00",
                    "2021-02-02 09:00:00",
                    None,
                    "2021-02-05 09:00:00",
                ),
            ],
        )
        insert_rows(con, "orders", MONTH, MARCH_ORDERS)
    dbt_build(path, MONTH, select="+int_order_flags")
    with duckdb.connect(str(path), read_only=True) as con:
        cursor = con.execute("select * from intermediate.int_order_flags order by order_id")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["order_id"]: row for row in rows}


def test_one_row_per_dispatched_accepted_order_of_the_month(flags):
    assert set(flags) == set(EXPECTED)
    assert {row["month"] for row in flags.values()} == {MONTH}


@pytest.mark.parametrize("order_id", sorted(EXPECTED))
def test_flags(flags, order_id):
    actual = tuple(flags[order_id][name] for name in FLAGS)
    assert dict(zip(FLAGS, actual, strict=True)) == dict(zip(FLAGS, EXPECTED[order_id], strict=True))


def test_carried_over_order_keeps_its_level_and_supervision(flags):
    row = flags["carried"]
    assert (row["unit_code"], row["dispatch_level"], row["supervision"]) == ("U1", "省派", True)
    assert flags["done_at_due"]["supervision"] is False
