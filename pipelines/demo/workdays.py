"""Month bounds and the PRC working-day calendar, vectorised over numpy datetime64 arrays.

Deadlines follow rules.md "Time limits": the same clock time on the N-th working day after the
dispatch date, statutory holidays and adjusted working days (调休) from `chinese_calendar`.
Years the package does not cover fall back to Monday-Friday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
import numpy as np

from pipelines.months import Month as CalendarMonth

SECOND = np.timedelta64(1, "s")
DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Month:
    """One month M: its key `YYYY-MM`, `start` (M_start) and `cutoff` (first instant of M+1)."""

    key: str
    year: int
    month: int

    @classmethod
    def parse(cls, key: str) -> Month:
        month = CalendarMonth.parse(key)
        return cls(month.key, month.year, month.number)

    @property
    def compact(self) -> str:
        return f"{self.year:04d}{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> dt.date:
        return CalendarMonth(self.year, self.month).next.first_day

    @property
    def previous(self) -> Month:
        return Month.parse(CalendarMonth(self.year, self.month).previous.key)

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.first_day, "s")

    @property
    def cutoff(self) -> np.datetime64:
        return np.datetime64(self.next_first_day, "s")

    @property
    def days(self) -> int:
        return (self.next_first_day - self.first_day).days

    def day(self, index: int) -> dt.date:
        """The `index`-th day of the month, 0-based."""
        return self.first_day + dt.timedelta(days=index)


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday `day` falls in (e.g. 'Spring Festival'), None for other days."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return name if on_holiday else None


class WorkCalendar:
    """Working days over a date range, with vectorised 'N-th working day after' arithmetic."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        n_days = (last - first).days + 1
        self.first = np.datetime64(first, "D")
        self.workday = np.array([is_workday(first + dt.timedelta(days=i)) for i in range(n_days)])
        #: number of working days on or before each day of the range
        self._cum = np.cumsum(self.workday)
        self._workday_offsets = np.flatnonzero(self.workday)

    @classmethod
    def around(cls, month: Month, days_before: int = 90, days_after: int = 120) -> WorkCalendar:
        return cls(
            month.first_day - dt.timedelta(days=days_before),
            month.next_first_day + dt.timedelta(days=days_after),
        )

    def add_workdays(self, ts: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """Same clock time on the n-th working day after the date of each `ts` (datetime64[s])."""
        days = ts.astype("datetime64[D]")
        clock = ts - days.astype("datetime64[s]")
        offset = (days - self.first).astype(np.int64)
        if offset.size and (offset.min() < 0 or offset.max() >= self.workday.size):
            raise ValueError("timestamp outside the working-day calendar's range")
        index = self._cum[offset] + np.asarray(n, dtype=np.int64) - 1
        if index.size and index.max() >= self._workday_offsets.size:
            raise ValueError("deadline beyond the working-day calendar's range")
        target = self.first + self._workday_offsets[index].astype("timedelta64[D]")
        return target.astype("datetime64[s]") + clock
