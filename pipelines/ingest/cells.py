"""Render spreadsheet cell values as the contract's text (what a CSV export would have held)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M:%S"
HALF_SECOND_US = 500_000


def format_number(value: float) -> str:
    """`1.0` -> `1`, `13812345678.0` -> `13812345678`, `0.1` -> `0.1` (no exponent for integers)."""
    if value.is_integer():
        return str(int(value))
    return repr(value)


def cell_text(value: object) -> str | None:
    """Text of one cell: None or empty -> None; datetimes -> `YYYY-MM-DD HH:MM:SS`; numbers as typed."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.datetime):
        # Excel stores times as fractions of a day: round to the second instead of truncating
        if value.microsecond >= HALF_SECOND_US:
            value += dt.timedelta(microseconds=1_000_000 - value.microsecond)
        return value.strftime(TIMESTAMP_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, dt.time):
        return value.strftime(TIME_FORMAT)
    return str(value)
