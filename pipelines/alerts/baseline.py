"""A month against the unit's own history: which months to compare with, and the robust range.

Pure functions, no I/O (docs/alerts.md, "Anomalies against the unit's own history").

* Ordinary month M: the baseline is the ordinary (non-holiday) months among the `window_months`
  months before M; at least `min_months` of them must have a value, else the value is not judged.
* Holiday month M (the rulebook's `holiday_months`, e.g. 春节): the baseline is the months of
  earlier years marked with the same holiday (2022-02 春节 is compared with 2021-02 春节), at most
  `holiday_years` of them; without one the value is not judged (an ordinary window would flag
  every Spring Festival).
* The robust score, as Elementary's anomaly tests but with the median and the MAD instead of the
  mean and the standard deviation: spread = max(1.4826 × MAD, floor), where the floor is
  `min_relative_spread_pct` % of |median| for counts and `min_points_spread` for rates and points
  (a unit with the same value every month would otherwise have a spread of 0); the expected range
  is median ± sensitivity × spread; a value outside it (strictly) is an anomaly, and its score is
  (value − median) / spread.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipelines.months import Month

#: MAD × 1.4826 estimates the standard deviation of normally distributed values
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class HistorySettings:
    """Window and thresholds of the history rule (env vars HOTLINE_ALERT_HISTORY_*)."""

    #: months before M looked at for an ordinary month
    window_months: int = 12
    #: ordinary months with a value needed in the window, else not judged
    min_months: int = 6
    #: earlier years looked at for a holiday month
    holiday_years: int = 3
    #: expected range = median ± sensitivity × spread (Elementary's anomaly_sensitivity is 3)
    sensitivity: float = 3.0
    #: floor of the spread of counts (orders), percent of |median|
    min_relative_spread_pct: float = 10.0
    #: floor of the spread of rates and points, in percentage points / points
    min_points_spread: float = 1.0
    #: rates of a unit with fewer orders than this in M are not judged (too few to mean anything)
    min_orders: int = 20

    def __post_init__(self) -> None:
        if self.window_months < 1 or self.min_months < 1 or self.holiday_years < 1:
            raise ValueError("the history window, minimum months and holiday years must be >= 1")
        if self.min_months > self.window_months:
            raise ValueError(
                f"the history rule needs min_months ({self.min_months}) <= window_months "
                f"({self.window_months})"
            )
        if self.sensitivity <= 0:
            raise ValueError("the history rule's sensitivity must be > 0")


@dataclass(frozen=True)
class Baseline:
    """The months M is compared with."""

    month: str
    #: the holiday of M (e.g. 春节), or None for an ordinary month
    holiday: str | None
    months: tuple[str, ...]
    #: values needed among `months` to judge
    min_values: int

    @property
    def description(self) -> str:
        if self.holiday:
            return f"earlier {self.holiday} months ({', '.join(self.months) or 'none'})"
        return f"ordinary months {self.months[-1]}…{self.months[0]}" if self.months else "no month"


def months_before(month: str, count: int) -> list[str]:
    """The `count` months before `month`, newest first."""
    evaluated = Month.parse(month)
    return [evaluated.plus(-back).key for back in range(1, count + 1)]


def baseline_for(month: str, holiday_months: Mapping[str, str], settings: HistorySettings) -> Baseline:
    """Which months `month` is compared with (newest first)."""
    holiday = holiday_months.get(month)
    if holiday:
        earlier = sorted(
            (m for m, name in holiday_months.items() if name == holiday and m < month), reverse=True
        )
        cutoff = Month.parse(month).plus(-12 * settings.holiday_years).key
        return Baseline(month, holiday, tuple(m for m in earlier if m >= cutoff), min_values=1)
    window = [m for m in months_before(month, settings.window_months) if m not in holiday_months]
    return Baseline(month, None, tuple(window), min_values=settings.min_months)


@dataclass(frozen=True)
class Judgement:
    value: float
    median: float
    mad: float
    spread: float
    low: float
    high: float
    #: (value − median) / spread
    score: float
    history: tuple[float, ...]

    @property
    def anomalous(self) -> bool:
        return self.value < self.low or self.value > self.high


def judge(value: float, history: Sequence[float], settings: HistorySettings, relative: bool) -> Judgement:
    """The robust range of `history` and where `value` stands (history must not be empty)."""
    if not history:
        raise ValueError("judge needs at least one value of history")
    median = float(statistics.median(history))
    mad = float(statistics.median(abs(v - median) for v in history))
    floor = abs(median) * settings.min_relative_spread_pct / 100.0 if relative else settings.min_points_spread
    if relative:
        floor = max(floor, 1.0)  # orders are whole numbers: never a spread under one order
    spread = max(MAD_TO_SIGMA * mad, floor)
    low, high = median - settings.sensitivity * spread, median + settings.sensitivity * spread
    if relative:
        low = max(low, 0.0)
    return Judgement(
        value=float(value),
        median=median,
        mad=mad,
        spread=spread,
        low=low,
        high=high,
        score=(float(value) - median) / spread,
        history=tuple(float(v) for v in history),
    )
