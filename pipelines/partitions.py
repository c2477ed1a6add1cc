"""Monthly partitions (key `YYYY-MM`, from HOTLINE_FIRST_MONTH, default 2021-01).

The month arithmetic is `pipelines.months`; the helpers here also refuse months before FIRST_MONTH.
"""

from __future__ import annotations

import os
import warnings
from datetime import datetime

import dagster as dg

from pipelines.months import MONTH_FORMAT, MONTH_HINT, Month, is_month
from pipelines.months import month_range as _month_range

#: the first evaluated month when HOTLINE_FIRST_MONTH is not set
DEFAULT_FIRST_MONTH = "2021-01"
FIRST_MONTH_ENV = "HOTLINE_FIRST_MONTH"


def first_month_from_env() -> str:
    """HOTLINE_FIRST_MONTH (`YYYY-MM`), the first month a center evaluates; default 2021-01.

    Read when the definitions are loaded: a center loading its earlier years sets it (e.g. 2019-01)
    before `hotline run` or `make dev`. Raises ValueError for a value that is not `YYYY-MM`.
    """
    value = os.environ.get(FIRST_MONTH_ENV, "").strip() or DEFAULT_FIRST_MONTH
    if not is_month(value):
        raise ValueError(f"{FIRST_MONTH_ENV}={value!r} is not of the form YYYY-MM (for example 2019-01)")
    return value


FIRST_MONTH = first_month_from_env()

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date=FIRST_MONTH, fmt=MONTH_FORMAT)


def validate_month(month: str) -> str:
    """Return the month if it is a `YYYY-MM` partition key from FIRST_MONTH on, else raise ValueError."""
    if not is_month(month):
        raise ValueError(f"month {month!r} is not of the form {MONTH_HINT}")
    if month < FIRST_MONTH:
        raise ValueError(f"month {month} is before the first evaluated month {FIRST_MONTH}")
    return month


def month_start(month: str) -> datetime:
    """First instant of an evaluated month (validate_month)."""
    return Month.parse(validate_month(month)).start


def month_cutoff(month: str) -> datetime:
    """First instant of the next month."""
    return Month.parse(validate_month(month)).cutoff


def previous_month(month: str) -> str:
    """The month before an evaluated month (validate_month), e.g. 2022-01 -> 2021-12."""
    return Month.parse(validate_month(month)).previous.key


def month_range(first: str, last: str) -> list[str]:
    """Every evaluated month from `first` to `last`, both included, in order (ValueError if last < first)."""
    validate_month(first)
    validate_month(last)
    return _month_range(first, last)


#: every asset computes one month per run (the dbt models read one `month` var)
ONE_MONTH_PER_RUN = dg.BackfillPolicy.multi_run(max_partitions_per_run=1)
# `backfill_policy=` on @asset is marked beta; we rely on it deliberately, so don't warn at every load.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)
