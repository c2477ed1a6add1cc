"""Monthly partitions (key `YYYY-MM`, from HOTLINE_FIRST_MONTH, default 2021-01) and helpers about months."""

from __future__ import annotations

import os
import re
import warnings
from datetime import datetime

import dagster as dg

#: the first evaluated month when HOTLINE_FIRST_MONTH is not set
DEFAULT_FIRST_MONTH = "2021-01"
FIRST_MONTH_ENV = "HOTLINE_FIRST_MONTH"
MONTH_FORMAT = "%Y-%m"
_MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def first_month_from_env() -> str:
    """HOTLINE_FIRST_MONTH (`YYYY-MM`), the first month a center evaluates; default 2021-01.

    Read when the definitions are loaded: a center loading its earlier years sets it (e.g. 2019-01)
    before `hotline run` or `make dev`. Raises ValueError for a value that is not `YYYY-MM`.
    """
    value = os.environ.get(FIRST_MONTH_ENV, "").strip() or DEFAULT_FIRST_MONTH
    if not _MONTH_PATTERN.match(value):
        raise ValueError(f"{FIRST_MONTH_ENV}={value!r} is not of the form YYYY-MM (for example 2019-01)")
    return value


FIRST_MONTH = first_month_from_env()

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH, fmt=MONTH_FORMAT)


def validate_month(month: str) -> str:
    """Return the month if it is a `YYYY-MM` partition key from 2021-01 on, else raise ValueError."""
    if not _MONTH_PATTERN.match(month or ""):
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (for example 2021-02)")
    if month < FIRST_MONTH:
        raise ValueError(f"month {month} is before the first evaluated month {FIRST_MONTH}")
    return month


def month_start(month: str) -> datetime:
    return datetime.strptime(validate_month(month), MONTH_FORMAT)


def month_cutoff(month: str) -> datetime:
    """First instant of the next month."""
    start = month_start(month)
    if start.month == 12:
        return start.replace(year=start.year + 1, month=1)
    return start.replace(month=start.month + 1)


def previous_month(month: str) -> str:
    start = month_start(month)
    if start.month == 1:
        prev = start.replace(year=start.year - 1, month=12)
    else:
        prev = start.replace(month=start.month - 1)
    return prev.strftime(MONTH_FORMAT)

def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included, in order (ValueError if last < first)."""
    month, months = validate_month(first), []
    if validate_month(last) < first:
        raise ValueError(f"--to {last} is before --from {first}")
    while month <= last:
        months.append(month)
        month = month_cutoff(month).strftime(MONTH_FORMAT)
    return months


#: every asset computes one month per run (the dbt models read one `month` var)
ONE_MONTH_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
# `backfill_policy=` on @asset is marked beta; we rely on it deliberately, so don't warn at every load.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)
