"""The month plan and the working-day arithmetic behind the deadlines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pipelines.demo import volumes
from pipelines.demo.volumes import allocate, day_weights, plan_month
from pipelines.demo.workdays import Month, WorkCalendar


def test_month_bounds() -> None:
    m = Month.parse("2021-12")
    assert m.start == np.datetime64("2021-12-01T00:00:00")
    assert m.cutoff == np.datetime64("2022-01-01T00:00:00")
    assert m.previous.key == "2021-11"
    assert Month.parse("2021-02").days == 28
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("2021-13")


@pytest.mark.parametrize(
    ("sent", "n", "expected"),
    [
        ("2021-02-10T10:00:00", 1, "2021-02-18T10:00:00"),  # over the Spring Festival
        ("2021-02-05T16:30:00", 1, "2021-02-07T16:30:00"),  # Sunday 2021-02-07 was a working day (调休)
        ("2021-02-26T09:00:00", 3, "2021-03-03T09:00:00"),
        ("2021-02-13T11:00:00", 1, "2021-02-18T11:00:00"),  # dispatched on a holiday
        ("2021-01-29T08:00:00", 15, "2021-02-24T08:00:00"),
    ],
)
def test_add_workdays(sent: str, n: int, expected: str) -> None:
    cal = WorkCalendar.around(Month.parse("2021-02"))
    got = cal.add_workdays(np.array([sent], dtype="datetime64[s]"), n)
    assert got[0] == np.datetime64(expected)


def test_spring_festival_weights() -> None:
    w = day_weights(Month.parse("2021-02"))
    assert (w[10:17] == volumes.HOLIDAY_WEIGHT).all()  # 2021-02-11 .. 2021-02-17
    assert w[6] == volumes.WORKDAY_WEIGHT  # the 调休 Sunday


def test_allocate_is_exact_and_floors_positive_weights() -> None:
    counts = allocate(10, np.array([5.0, 3.0, 2.0, 0.0]))
    assert counts.tolist() == [5, 3, 2, 0]
    assert allocate(3, np.array([100.0, 1.0, 0.0]), floor_positive=True).tolist() == [3, 1, 0]


def test_blocks_cover_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(volumes, "BLOCK_ROWS", 500)
    plan = plan_month(Month.parse("2021-02"), 0.5, 7)
    blocks = list(plan.blocks())
    assert max(b.rows for b in blocks) <= 500
    assert sum(b.rows for b in blocks) == plan.total
    per_slot = np.zeros_like(plan.counts)
    for b in blocks:
        per_slot[b.slot] += b.cell_counts
    assert (per_slot == plan.counts).all()
    assert plan.counts[0, 0] == 0  # nothing 直接办理 is carried over
    month_seq = [b.first_seq for b in blocks if not b.carried]
    assert month_seq == sorted(month_seq) and month_seq[0] == 0


def test_other_months_follow_their_calendar() -> None:
    feb = plan_month(Month.parse("2021-02"), 1, 1)
    mar = plan_month(Month.parse("2021-03"), 1, 1)
    assert mar.received_this_month > feb.received_this_month  # no Spring Festival, 31 days
    assert mar.counts.shape[0] == 32
    assert dt.date(2021, 3, 1) == Month.parse("2021-03").first_day
