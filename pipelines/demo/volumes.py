"""The month plan: how many orders of each kind, for which unit, on which day.

Orders are counted in *cells*: cell 0 is 直接办理, cells 1..U are 市派 to unit u, cells U+1..2U
are 省派 to unit u (u in units.csv order). The plan fixes each cell's total for the month (the
reference figures times the scale, so a unit's volume is exact, not sampled) and spreads it over
*slots*: slot 0 holds the carried-over orders (dispatched in the previous month), slot d the orders
received on day d of M. The plan is a small matrix (slots x cells); the rows themselves are made
later, block by block, from it.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.demo import reference as ref
from pipelines.demo.workdays import Month, holiday_name, is_workday

#: most rows generated at once; a slot with more is split into blocks of at most this size
BLOCK_ROWS = 100_000

#: relative volume of a day: working day, ordinary weekend day, statutory holiday
WORKDAY_WEIGHT = 1.0
WEEKEND_WEIGHT = 0.8
HOLIDAY_WEIGHT = 0.45

#: a 市派 cell with at most this many orders is placed early in the month, so the unit has an
#: order due in M (only the NO_DUE_UNIT has none)
TINY_CELL = 8
TINY_LAST_DAY_MARGIN = 10

STREAM_PLAN = 1
STREAM_ORDERS = 2
STREAM_COUNTY_RECORDS = 3
STREAM_SIDE_TABLES = 4


def rng_for(seed: int, month: Month, *key: int) -> np.random.Generator:
    """A generator that depends only on (seed, month, key): no wall clock, no global state."""
    return np.random.default_rng([seed, month.year, month.month, *key])


@dataclass(frozen=True)
class Unit:
    index: int
    code: str
    name: str
    group: str


def read_units(path: Path = ref.UNITS_CSV) -> list[Unit]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Unit(i, r["unit_code"], r["unit_name"], r["unit_group"]) for i, r in enumerate(rows)]


def day_weights(month: Month) -> np.ndarray:
    """Relative intake of each day of M (the Spring Festival week of 2021-02 is the dip)."""
    weights = []
    for i in range(month.days):
        day = month.day(i)
        if is_workday(day):
            weights.append(WORKDAY_WEIGHT)
        elif holiday_name(day):
            weights.append(HOLIDAY_WEIGHT)
        else:
            weights.append(WEEKEND_WEIGHT)
    return np.array(weights)


def month_factor(month: Month) -> float:
    """Volume of M relative to the reference month (same intake per weighted day)."""
    return float(day_weights(month).sum() / day_weights(Month.parse(ref.REFERENCE_MONTH)).sum())


def allocate(total: int, weights: np.ndarray, floor_positive: bool = False) -> np.ndarray:
    """Integers proportional to `weights` summing to `total` (largest remainder, ties by index).

    With `floor_positive`, every positive weight gets at least 1 (the sum may then exceed total).
    """
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        counts = np.zeros(weights.size, dtype=np.int64)
    else:
        exact = weights / weights.sum() * total
        counts = np.floor(exact).astype(np.int64)
        short = total - int(counts.sum())
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:short]] += 1
    if floor_positive:
        counts = np.where((weights > 0) & (counts == 0), 1, counts)
    return counts


@dataclass(frozen=True)
class Block:
    """The orders of one slot (or part of it) to generate together."""

    slot: int
    part: int
    cell_counts: np.ndarray
    #: number of orders of the same id series before this block
    first_seq: int

    @property
    def rows(self) -> int:
        return int(self.cell_counts.sum())

    @property
    def carried(self) -> bool:
        return self.slot == 0


@dataclass(frozen=True)
class MonthPlan:
    month: Month
    scale: float
    seed: int
    units: list[Unit]
    #: slots x cells order counts
    counts: np.ndarray
    #: per cell: True for 市派 cells restricted to early days (see TINY_CELL)
    tiny: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.units)

    def cell_unit(self) -> np.ndarray:
        """Unit index of each cell (-1 for 直接办理)."""
        u = np.arange(self.n_units)
        return np.concatenate([[-1], u, u])

    def cell_province(self) -> np.ndarray:
        return np.concatenate([[False], np.zeros(self.n_units, bool), np.ones(self.n_units, bool)])

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def carried_over(self) -> int:
        return int(self.counts[0].sum())

    @property
    def received_this_month(self) -> int:
        return int(self.counts[1:].sum())

    def blocks(self) -> Iterator[Block]:
        """Blocks of at most BLOCK_ROWS rows, slot by slot; the split is random but seeded."""
        seqs = {True: 0, False: 0}
        for slot in range(self.counts.shape[0]):
            remaining = self.counts[slot].copy()
            n = int(remaining.sum())
            parts = max(1, math.ceil(n / BLOCK_ROWS))
            rng = rng_for(self.seed, self.month, STREAM_PLAN, 1, slot)
            for part in range(parts):
                size = n // parts + (1 if part < n % parts else 0)
                if part == parts - 1:
                    take = remaining.copy()
                else:
                    take = rng.multivariate_hypergeometric(remaining, size, method="marginals")
                remaining -= take
                block = Block(slot, part, take, seqs[slot == 0])
                seqs[slot == 0] += block.rows
                yield block


def cell_totals(units: list[Unit], month: Month, scale: float) -> np.ndarray:
    """Orders of the month per cell (直接办理, 市派 per unit, 省派 per unit)."""
    factor = scale * month_factor(month)
    province_total = ref.PROVINCE_BY_MONTH.get(month.key, ref.PROVINCE * month_factor(month)) * scale
    city_w = np.array(
        [max(ref.UNIT_ORDERS.get(u.name, 0) - ref.PROVINCE_ORDERS.get(u.name, 0), 0) for u in units]
    )
    prov_w = np.array([ref.PROVINCE_ORDERS.get(u.name, 0) for u in units])
    city_total = round((ref.DISPATCHED - ref.PROVINCE - ref.NO_DUE_UNIT_ORDERS) * factor)
    city = allocate(city_total, city_w, floor_positive=True)
    province = allocate(round(province_total), prov_w)
    seeded = ref.SEEDED_CITY_VOLUME_FACTORS.get(month.key, {})
    for u in units:
        if u.name == ref.NO_DUE_UNIT:
            city[u.index] = max(1, round(ref.NO_DUE_UNIT_ORDERS * factor))
        if u.name in seeded:
            city[u.index] = round(city[u.index] * seeded[u.name])
    direct = round(ref.DIRECT * factor)
    return np.concatenate([[direct], city, province]).astype(np.int64)


def plan_month(month: Month, scale: float, seed: int, units: list[Unit] | None = None) -> MonthPlan:
    units = units if units is not None else read_units()
    totals = cell_totals(units, month, scale)
    n_units = len(units)
    day_w = day_weights(month)
    day_p = day_w / day_w.sum()
    carried_share = ref.CARRIED_OVER / ref.DISPATCHED

    early = np.arange(month.days) < month.days - TINY_LAST_DAY_MARGIN
    early_p = np.where(early, day_w, 0.0) / np.where(early, day_w, 0.0).sum()
    last_workday = max(i for i in range(month.days) if is_workday(month.day(i)))
    no_due = {u.index for u in units if u.name == ref.NO_DUE_UNIT}

    rng = rng_for(seed, month, STREAM_PLAN, 0)
    counts = np.zeros((month.days + 1, totals.size), dtype=np.int64)
    tiny = np.zeros(totals.size, dtype=bool)
    for cell, total in enumerate(totals):
        if total == 0:
            continue
        unit = -1 if cell == 0 else (cell - 1) % n_units
        if cell == 0:
            slot_p = np.concatenate([[0.0], day_p])
        elif unit in no_due and cell <= n_units:
            counts[1 + last_workday, cell] = total
            continue
        elif cell <= n_units and total <= TINY_CELL:
            tiny[cell] = True
            slot_p = np.concatenate([[0.0], early_p])
        else:
            slot_p = np.concatenate([[carried_share], (1 - carried_share) * day_p])
        counts[:, cell] = rng.multinomial(int(total), slot_p)
    return MonthPlan(month, scale, seed, units, counts, tiny)
