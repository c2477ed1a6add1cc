"""The PRC statutory working calendar, written to `raw.working_calendar(calendar_date, is_workday)`.

Deadlines the export leaves empty are counted in working days (rules.md, time limits): holidays and
adjusted working days (调休) included, as published by the State Council each year and packaged by
`chinesecalendar`. The table is not partitioned: every write replaces it whole.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import duckdb
from chinese_calendar.constants import holidays as _package_holidays

from pipelines.raw_tables import RAW_SCHEMA, ensure_raw_tables

TABLE = f"{RAW_SCHEMA}.working_calendar"


def supported_years() -> tuple[int, int]:
    """First and last year `chinesecalendar` has the official holidays for."""
    years = [day.year for day in _package_holidays]
    return min(years), max(years)


def is_workday(day: dt.date) -> bool:
    """Working day by the statutory calendar; Monday to Friday for a year the package does not cover."""
    first, last = supported_years()
    if first <= day.year <= last:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def calendar_rows(first_year: int, last_year: int) -> list[tuple[dt.date, bool]]:
    """(calendar_date, is_workday) for every day from 1 January of first_year to 31 December of last_year."""
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    day = dt.date(first_year, 1, 1)
    end = dt.date(last_year, 12, 31)
    rows: list[tuple[dt.date, bool]] = []
    while day <= end:
        rows.append((day, is_workday(day)))
        day += dt.timedelta(days=1)
    return rows


def write_working_calendar(
    con: duckdb.DuckDBPyConnection, first_year: int = 2020, last_year: int | None = None
) -> int:
    """Replace `raw.working_calendar` with every day of first_year..last_year; return the row count.

    Days come from `chinese_calendar.is_workday`, which knows the official holidays and the adjusted
    working days (调休, e.g. Sunday 2021-02-07 and Saturday 2021-10-09 were working days). For a
    year the installed `chinesecalendar` does not cover (the State Council publishes each year's
    holidays late in the previous year), the calendar falls back to plain Monday–Friday working
    days: deadlines computed for such a year ignore its holidays until the package is upgraded and
    the calendar rewritten.

    ``last_year`` defaults to the package's last supported year, or to the current year + 1 when
    that is later (so that deadlines running into next year still resolve, on the fallback).
    """
    if last_year is None:
        last_year = max(supported_years()[1], dt.date.today().year + 1)
    rows = calendar_rows(first_year, last_year)
    ensure_raw_tables(con)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {TABLE}")
        con.executemany(f"insert into {TABLE} (calendar_date, is_workday) values (?, ?)", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)
