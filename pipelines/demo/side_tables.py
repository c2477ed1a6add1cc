"""The small optional tables: inspections, test calls, knowledge tasks, interface probes, county marks.

They depend on the orders only through per-unit order counts and a small sample of dispatched
order ids collected while the orders streamed out (OrderSample), so they never need the month
in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from pipelines.contract import INSPECTION_ITEMS, RANKED_GROUPS, TEST_CALL_TARGETS
from pipelines.demo import reference as ref
from pipelines.demo import texts
from pipelines.demo.clock import HOUR, WORK_END, WORK_START, intake_clock, seconds, snap_back
from pipelines.demo.orders import OrderRows
from pipelines.demo.volumes import STREAM_SIDE_TABLES, MonthPlan, Unit, rng_for
from pipelines.demo.workdays import is_workday

Columns = dict[str, np.ndarray]
NAT = np.datetime64("NaT", "s")
#: inspections per unit: this times the square root of the unit's orders (about 320 at scale 1)
INSPECTIONS_PER_SQRT_ORDER = 0.4
REPLY_ITEM_SHARE = 0.6
TEST_CALLS = 100
DUTY_PHONE_SHARE = 0.3
KNOWLEDGE_TASKS = 60
#: dispatched orders kept for the inspections to point at
SAMPLE_SIZE = 5000


@dataclass
class OrderSample:
    """A seeded random sample of dispatched orders (id, unit index, dispatched_at)."""

    keep: float
    ids: list[np.ndarray] = field(default_factory=list)
    units: list[np.ndarray] = field(default_factory=list)
    sent: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def for_plan(cls, plan: MonthPlan) -> OrderSample:
        dispatched = int(plan.counts[:, 1:].sum())
        return cls(keep=min(1.0, SAMPLE_SIZE / max(1, dispatched)))

    def add(self, rows: OrderRows, rng: np.random.Generator) -> None:
        chosen = (rows.unit >= 0) & (rng.random(len(rows)) < self.keep)
        self.ids.append(rows.columns["order_id"][chosen])
        self.units.append(rows.unit[chosen])
        self.sent.append(rows.columns["dispatched_at"][chosen])

    def of_unit(self, unit: int) -> tuple[np.ndarray, np.ndarray]:
        units = np.concatenate(self.units) if self.units else np.zeros(0, np.int64)
        rows = np.flatnonzero(units == unit)
        return np.concatenate(self.ids)[rows], np.concatenate(self.sent)[rows]


def _workday_indices(plan: MonthPlan) -> np.ndarray:
    return np.array([i for i in range(plan.month.days) if is_workday(plan.month.day(i))])


def _office_times(plan: MonthPlan, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` instants in working hours of M's working days."""
    days = rng.choice(_workday_indices(plan), n)
    clock = rng.integers(WORK_START, WORK_END, n)
    return plan.month.start + seconds(days * 86400 + clock)


def _ranked(plan: MonthPlan) -> list[Unit]:
    return [u for u in plan.units if u.group in RANKED_GROUPS]


def inspections(plan: MonthPlan, unit_orders: np.ndarray, sample: OrderSample) -> Columns:
    """Inspections of dispatched orders; 答复规范 failures on about 15 units, 首次回应 mostly passed."""
    rng = rng_for(plan.seed, plan.month, STREAM_SIDE_TABLES, 1)
    by_name = {u.name: u for u in plan.units}
    with_orders = [u for u in _ranked(plan) if unit_orders[u.index] > 0]
    reply_fail = {
        by_name[n].index: k for n, k in ref.REPLY_FINDINGS_FIXED.items() if unit_orders[by_name[n].index]
    }
    candidates = [
        u.index
        for u in with_orders
        if u.group != "县区" and u.index not in reply_fail and unit_orders[u.index] >= 5
    ]
    # the bigger a unit, the likelier a finding
    weight = np.sqrt(unit_orders[candidates].astype(float))
    drawn = rng.choice(
        candidates, min(ref.REPLY_FINDING_UNITS, len(candidates)), replace=False, p=weight / weight.sum()
    )
    reply_fail.update({int(u): 1 for u in drawn})
    first_fail = {
        by_name[n].index: k for n, k in ref.FIRST_RESPONSE_FAILURES.items() if unit_orders[by_name[n].index]
    }

    units: list[int] = []
    items: list[int] = []
    passed: list[bool] = []
    for u in with_orders:
        n = max(1, round(INSPECTIONS_PER_SQRT_ORDER * math.sqrt(unit_orders[u.index])))
        item = (rng.random(n) >= REPLY_ITEM_SHARE).astype(int)  # 0 = 答复规范, 1 = 首次回应
        ok = np.ones(n, bool)
        for it, failures in ((0, reply_fail.get(u.index, 0)), (1, first_fail.get(u.index, 0))):
            have = int((item == it).sum())
            if have < failures:
                item = np.concatenate([item, np.full(failures - have, it)])
                ok = np.concatenate([ok, np.ones(failures - have, bool)])
            ok[np.flatnonzero(item == it)[:failures]] = False
        units += [u.index] * item.size
        items += item.tolist()
        passed += ok.tolist()

    n = len(units)
    unit = np.array(units, dtype=np.int64)
    order_id = np.full(n, None, dtype=object)
    at = _office_times(plan, n, rng)
    for u in np.unique(unit).tolist():
        rows = np.flatnonzero(unit == u)
        ids, sent = sample.of_unit(u)
        pick = rng.permutation(ids.size)[: rows.size]
        order_id[rows[: pick.size]] = ids[pick]
        # inspected in office hours a few days after dispatch, if that is still in M
        day = (sent[pick] + seconds(rng.integers(1, 6, pick.size) * 86400)).astype("datetime64[D]")
        later = day.astype("datetime64[s]") + seconds(rng.integers(WORK_START, WORK_END, pick.size))
        in_month = (later >= plan.month.start) & (later < plan.month.cutoff)
        at[rows[: pick.size]] = np.where(in_month, later, at[rows[: pick.size]])
    ok = np.array(passed, dtype=bool)
    finding = np.array(texts.INSPECTION_FINDINGS, dtype=object)[
        rng.integers(0, len(texts.INSPECTION_FINDINGS), n)
    ]
    first_finding = "未在规定时间内联系服务对象"
    item_arr = np.array(items)
    finding = np.where(item_arr == 1, first_finding, finding).astype(object)
    finding[ok] = None
    codes = np.array([u.code for u in plan.units], dtype=object)
    return {
        "inspection_id": np.array([f"CJ{plan.month.compact}{i + 1:05d}" for i in range(n)], dtype=object),
        "unit_code": codes[unit] if n else np.zeros(0, object),
        "order_id": order_id,
        "inspected_at": at,
        "item": np.array(INSPECTION_ITEMS, dtype=object)[item_arr] if n else np.zeros(0, object),
        "passed": ok,
        "finding": finding,
    }


def test_calls(plan: MonthPlan) -> Columns:
    """About 100 test calls; deductions only on the 热线坐席 of the units in reference."""
    rng = rng_for(plan.seed, plan.month, STREAM_SIDE_TABLES, 2)
    ranked = _ranked(plan)
    by_name = {u.name: u for u in plan.units}
    fixed = [
        (by_name[name], d, reason) for name, calls in ref.TEST_CALL_DEDUCTIONS.items() for d, reason in calls
    ]
    n_free = TEST_CALLS - len(fixed)
    free_units = rng.choice(len(ranked), n_free)
    unit = np.array([u.index for u, _, _ in fixed] + [ranked[i].index for i in free_units.tolist()])
    duty = np.concatenate([np.zeros(len(fixed), bool), rng.random(n_free) < DUTY_PHONE_SHARE])
    deduction = np.array([d for _, d, _ in fixed] + [0.0] * n_free)
    reason = np.array([r for _, _, r in fixed] + [None] * n_free, dtype=object)
    # duty phones are tested out of office hours too
    at = np.where(
        duty,
        plan.month.start
        + seconds(rng.integers(0, plan.month.days, unit.size) * 86400 + intake_clock(unit.size, rng, 0.3)),
        _office_times(plan, unit.size, rng),
    )
    order = np.lexsort((unit, at))
    codes = np.array([u.code for u in plan.units], dtype=object)
    n = unit.size
    return {
        "call_id": np.array([f"BC{plan.month.compact}{i + 1:04d}" for i in range(n)], dtype=object),
        "unit_code": codes[unit[order]],
        "called_at": at[order],
        "target": np.array(TEST_CALL_TARGETS, dtype=object)[duty[order].astype(int)],
        "passed": deduction[order] == 0,
        "deduction": deduction[order],
        "reason": reason[order],
    }


def knowledge_tasks(plan: MonthPlan) -> Columns:
    """About 60 knowledge-base tasks of city departments, due in M, submitted on time but a few."""
    rng = rng_for(plan.seed, plan.month, STREAM_SIDE_TABLES, 3)
    departments = [u for u in plan.units if u.group == "市级部门及单位"]
    by_name = {u.name: u for u in plan.units}
    late_units = [by_name[n].index for n, k in ref.KNOWLEDGE_LATE.items() for _ in range(k)]
    free = rng.choice(len(departments), KNOWLEDGE_TASKS - len(late_units), replace=False)
    unit = np.array(late_units + [departments[i].index for i in np.sort(free).tolist()])
    late = np.arange(unit.size) < len(late_units)
    workdays = _workday_indices(plan)
    due_day = rng.choice(workdays[workdays < plan.month.days - 1], unit.size)
    due = plan.month.start + seconds(due_day * 86400 + 17 * HOUR + 30 * 60)
    early = due - seconds(rng.integers(HOUR, 5 * 86400, unit.size))
    early = snap_back(early, early - np.timedelta64(2, "D"), rng, share=1.0)
    after = due + seconds(rng.integers(HOUR, 86400, unit.size))
    submitted = np.where(late, after, early)
    submitted = np.where(submitted >= plan.month.cutoff, np.datetime64("NaT", "s"), submitted)
    codes = np.array([u.code for u in plan.units], dtype=object)
    order = np.lexsort((unit, due))
    return {
        "task_id": np.array([f"ZS{plan.month.compact}{i + 1:04d}" for i in range(unit.size)], dtype=object),
        "unit_code": codes[unit[order]],
        "due_at": due[order],
        "submitted_at": submitted[order],
    }


def interface_probes(plan: MonthPlan) -> Columns:
    """An hourly probe of each county's interface; one county has a short outage."""
    rng = rng_for(plan.seed, plan.month, STREAM_SIDE_TABLES, 4)
    counties = [u for u in plan.units if u.group == "县区"]
    hours = plan.month.days * 24
    codes, at, ok, latency = [], [], [], []
    for county in counties:
        probe_ok = rng.random(hours) >= 0.001
        if county.name == ref.INTERFACE_OUTAGE_COUNTY:
            start = int(rng.integers(0, hours - 4))
            probe_ok[start : start + int(rng.integers(2, 4))] = False
        codes.append(np.full(hours, county.code, dtype=object))
        at.append(plan.month.start + seconds(np.arange(hours) * HOUR + rng.integers(0, 5, hours)))
        ok.append(probe_ok)
        ms = np.round(rng.lognormal(np.log(120), 0.45, hours))
        latency.append(np.where(probe_ok, ms, np.nan))
    return {
        "county_code": np.concatenate(codes),
        "probed_at": np.concatenate(at),
        "ok": np.concatenate(ok),
        "latency_ms": np.concatenate(latency),
    }


def county_assessments(plan: MonthPlan) -> Columns:
    """One row a county: 一体化建设 between 3 and 5, sometimes a small deduction with its reason."""
    rng = rng_for(plan.seed, plan.month, STREAM_SIDE_TABLES, 5)
    counties = [u for u in plan.units if u.group == "县区"]
    n = len(counties)
    score = rng.choice(np.array([3.0, 4.0, 4.5, 5.0, 5.0, 5.0, 5.0]), n)
    deduction = np.where(rng.random(n) < 0.3, rng.choice(np.array([0.5, 1.0]), n), 0.0)
    reason = np.array(texts.ASSESSMENT_REASONS, dtype=object)[
        rng.integers(0, len(texts.ASSESSMENT_REASONS), n)
    ]
    reason[deduction == 0] = None
    return {
        "county_code": np.array([c.code for c in counties], dtype=object),
        "integration_score": score,
        "deduction": deduction,
        "deduction_reason": reason,
    }
