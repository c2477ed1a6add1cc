"""The one month helper: a month key `YYYY-MM` (the partition key), parsed, validated and counted.

Every module that reads, checks or steps through months uses this one (no other copy of the
`YYYY-MM` pattern or of month arithmetic in the project):

    Month.parse("2021-02")          Month(2021, 2); ValueError naming the value for anything else
    month.key / str(month)          "2021-02"
    month.previous / month.next     Month(2021, 1) / Month(2021, 3) (across year ends)
    month.first_day / last_day      date(2021, 2, 1) / date(2021, 2, 28)
    month.start / month.cutoff      datetime 2021-02-01 00:00 / 2021-03-01 00:00 (first instant of M+1)
    month_range("2021-11", "2022-02")  ["2021-11", "2021-12", "2022-01", "2022-02"]

String helpers (`check_month`, `previous_month`, `next_month`, `month_range`) take and return keys,
for callers that keep months as text (partition keys, dbt vars, folder names). `MonthKey` is the
pydantic field type of a month in the configuration files (rulebook, bulletin settings).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator

MONTH_FORMAT = "%Y-%m"
MONTH_PATTERN = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
#: the expected form, as error messages spell it
MONTH_HINT = "YYYY-MM (for example 2021-02)"


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month; ordered, hashable, `str()` is its key `YYYY-MM`."""

    year: int
    number: int

    @classmethod
    def parse(cls, value: object) -> Month:
        """`Month` of a key `YYYY-MM` (surrounding blanks ignored); ValueError for anything else
        (`2021-5`, `2021-13`, `202105`, a date, a number)."""
        match = MONTH_PATTERN.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"month must be YYYY-MM, got {value!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month a date (or datetime) falls in."""
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def __str__(self) -> str:
        return self.key

    @property
    def compact(self) -> str:
        """`YYYYMM` (identifiers in the demo exports)."""
        return f"{self.year:04d}{self.number:02d}"

    def plus(self, months: int) -> Month:
        """The month `months` later (negative: earlier)."""
        index = self.year * 12 + self.number - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def previous(self) -> Month:
        return self.plus(-1)

    @property
    def next(self) -> Month:
        return self.plus(1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.number, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.number)[1]

    @property
    def start(self) -> dt.datetime:
        """First instant of the month (naive, the platform's local time)."""
        return dt.datetime(self.year, self.number, 1)

    @property
    def cutoff(self) -> dt.datetime:
        """First instant of the next month (naive): rows of M have start <= t < cutoff."""
        return self.next.start

    def months_since(self, earlier: Month) -> int:
        """How many months `earlier` lies before this one (0 for the same month)."""
        return (self.year - earlier.year) * 12 + self.number - earlier.number


def is_month(value: object) -> bool:
    """True for a key `YYYY-MM`."""
    return isinstance(value, str) and MONTH_PATTERN.match(value) is not None


def check_month(value: object) -> str:
    """The key itself when `value` is `YYYY-MM`, else ValueError "month must be YYYY-MM, got …"."""
    return Month.parse(value).key


def previous_month(month: str) -> str:
    return Month.parse(month).previous.key


def next_month(month: str) -> str:
    return Month.parse(month).next.key


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included, in order (ValueError if last < first)."""
    start, end = Month.parse(first), Month.parse(last)
    if end < start:
        raise ValueError(f"--to {end} is before --from {start}")
    return [start.plus(offset).key for offset in range(end.months_since(start) + 1)]


def _month_key(value: object) -> str:
    if not is_month(value.strip() if isinstance(value, str) else value):
        raise ValueError(f"must be a month {MONTH_HINT}, got {value!r}")
    return value.strip()  # type: ignore[union-attr]


#: a month key in a configuration file (pydantic): blanks stripped, anything but `YYYY-MM` refused
MonthKey = Annotated[str, BeforeValidator(_month_key)]
