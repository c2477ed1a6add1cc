"""The month's figures as the rules define them, accumulated block by block while orders stream out.

They are what a correct pipeline should report for the generated month (rules.md), so an
end-to-end test can compare the bulletin against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.contract import CATEGORIES, CHANNELS
from pipelines.demo.orders import OrderRows
from pipelines.demo.volumes import MonthPlan

_SATISFIED = ("满意", "基本满意")
_RATED = ("满意", "基本满意", "不满意")
UNIT_COUNTERS = (
    "orders", "province_orders", "sign_total", "sign_on_time", "due_total", "due_on_time",
    "completed_in_month", "city_rated", "city_satisfied", "province_rated", "province_satisfied",
)  # fmt: skip


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 2)


@dataclass
class MonthFigures:
    plan: MonthPlan
    total: int = 0
    carried_over: int = 0
    direct: int = 0
    dispatched: int = 0
    province: int = 0
    supervision: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    units: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.units = {name: np.zeros(self.plan.n_units, dtype=np.int64) for name in UNIT_COUNTERS}

    def add(self, rows: OrderRows) -> None:
        c = rows.columns
        start, cutoff = self.plan.month.start, self.plan.month.cutoff
        n = len(rows)
        dispatched = rows.unit >= 0
        self.total += n
        self.carried_over += n if rows.carried else 0
        self.direct += int((~dispatched).sum())
        self.dispatched += int(dispatched.sum())
        self.province += int(rows.province.sum())
        self.supervision += int(c["supervision"].sum())
        for counts, values in ((self.by_channel, c["channel"]), (self.by_category, c["category"])):
            names, k = np.unique(values, return_counts=True)
            for name, count in zip(names.tolist(), k.tolist(), strict=True):
                counts[name] += count

        unit = rows.unit[dispatched]
        sent, signed, completed = (c[k][dispatched] for k in ("dispatched_at", "signed_at", "completed_at"))
        sign_deadline, due = rows.sign_deadline[dispatched], rows.due_at[dispatched]
        province = rows.province[dispatched]
        visit = c["visit_result"][dispatched]
        sent_in_m = (sent >= start) & (sent < cutoff)
        is_signed = ~np.isnat(signed)
        sign_counted = sent_in_m & ((sign_deadline < cutoff) | is_signed)
        due_in_m = (due >= start) & (due < cutoff)
        done_in_m = (completed >= start) & (completed < cutoff)
        rated = done_in_m & np.isin(visit, _RATED)
        satisfied = rated & np.isin(visit, _SATISFIED)
        flags = {
            "orders": np.ones(unit.size, bool),
            "province_orders": province,
            "sign_total": sign_counted,
            "sign_on_time": sign_counted & is_signed & (signed <= sign_deadline),
            "due_total": due_in_m,
            "due_on_time": due_in_m & (completed <= due),
            "completed_in_month": done_in_m,
            "city_rated": rated & ~province,
            "city_satisfied": satisfied & ~province,
            "province_rated": rated & province,
            "province_satisfied": satisfied & province,
        }
        for name, flag in flags.items():
            self.units[name] += np.bincount(unit[flag], minlength=self.plan.n_units)

    def _sum(self, name: str) -> int:
        return int(self.units[name].sum())

    def as_dict(self) -> dict[str, Any]:
        """Intake, shares and platform rates in the shape of bulletin.json's `intake`, plus per unit."""
        s = self._sum
        units = {}
        for u in self.plan.units:
            counters = {name: int(values[u.index]) for name, values in self.units.items()}
            if counters["orders"]:
                units[u.code] = counters
        return {
            "month": self.plan.month.key,
            "intake": {
                "total": self.total,
                "received_this_month": self.total - self.carried_over,
                "carried_over": self.carried_over,
                "direct": self.direct,
                "dispatched": self.dispatched,
                "on_time_completion_rate": rate(s("due_on_time"), s("due_total")),
                "timely_sign_rate": rate(s("sign_on_time"), s("sign_total")),
                "satisfaction_rate": rate(
                    s("city_satisfied") + s("province_satisfied"), s("city_rated") + s("province_rated")
                ),
            },
            "by_channel": self._shares(self.by_channel),
            "by_category": self._shares(self.by_category),
            "province": {
                "count": self.province,
                "supervision_count": self.supervision,
                "unit_count": int((self.units["province_orders"] > 0).sum()),
                "satisfaction_rate": rate(s("province_satisfied"), s("province_rated")),
            },
            "units_without_orders": [u.code for u in self.plan.units if self.units["orders"][u.index] == 0],
            "units_without_due_orders": [
                u.code
                for u in self.plan.units
                if self.units["orders"][u.index] and not self.units["due_total"][u.index]
            ],
            "units": units,
        }

    def _shares(self, counts: dict[str, int]) -> list[dict[str, Any]]:
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"name": k, "count": v, "share": rate(v, self.total)} for k, v in rows]
