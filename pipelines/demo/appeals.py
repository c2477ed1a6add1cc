"""Demo appeals (申诉) of a generated month: a few upheld, rejected and pending, all valid.

While the order blocks pass, `AppealCandidates` keeps the first orders (in block order, so the
choice is deterministic) that each item of contract.md's appeals applies to: a `不满意` rating of
a completion in M, a completion due in M and late, a sign-in counted in M and late. `appeals`
then turns them into rows: per item, the first two are upheld (`通过`), the third rejected
(`不通过`), the fourth pending (`待审核`). Only the upheld ones change figures, and only the
appealing units' (rules.md "Upheld appeals").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipelines.contract import APPEAL_ITEMS
from pipelines.demo.orders import OrderRows

#: decisions of the first, second, … candidate of each item
DECISIONS = ("通过", "通过", "不通过", "待审核")
#: reasons are free text the loader keeps in raw only (one with a phone number, masked there)
REASONS = {
    "回访满意率": "市民诉求超出职能范围，已解释到位，市民仍评价不满意",
    "按时办结率": "平台派单错误，改派后超时，联系电话13800001234",
    "及时签收率": "系统故障导致无法签收",
}
HOUR = np.timedelta64(3600, "s")


@dataclass
class AppealCandidates:
    """The first `per_item` orders of each appealable kind: (order_id, unit_code, event time)."""

    per_item: int = len(DECISIONS)
    found: dict[str, list[tuple[str, str, np.datetime64]]] = field(
        default_factory=lambda: {item: [] for item in APPEAL_ITEMS}
    )

    def add(
        self, rows: OrderRows, unit_codes: np.ndarray, start: np.datetime64, cutoff: np.datetime64
    ) -> None:
        if all(len(v) >= self.per_item for v in self.found.values()):
            return
        c = rows.columns
        dispatched = rows.unit >= 0
        sent, signed, completed = c["dispatched_at"], c["signed_at"], c["completed_at"]
        done_in_m = (completed >= start) & (completed < cutoff)
        due_in_m = (rows.due_at >= start) & (rows.due_at < cutoff)
        sent_in_m = (sent >= start) & (sent < cutoff)
        is_signed = ~np.isnat(signed)
        sign_counted = sent_in_m & ((rows.sign_deadline < cutoff) | is_signed)
        kinds = {
            "回访满意率": (dispatched & done_in_m & (c["visit_result"] == "不满意"), completed),
            "按时办结率": (dispatched & due_in_m & ~(completed <= rows.due_at), rows.due_at),
            "及时签收率": (dispatched & sign_counted & ~(is_signed & (signed <= rows.sign_deadline)),
                          rows.sign_deadline),
        }  # fmt: skip
        for item, (flag, when) in kinds.items():
            for i in np.flatnonzero(flag)[: self.per_item - len(self.found[item])].tolist():
                self.found[item].append((str(c["order_id"][i]), str(unit_codes[rows.unit[i]]), when[i]))


def appeals(candidates: AppealCandidates, compact_month: str, cutoff: np.datetime64) -> dict[str, np.ndarray]:
    """The appeals file's columns (contract order), one row per candidate."""
    rows: list[dict[str, object]] = []
    for item in APPEAL_ITEMS:
        for (order_id, unit_code, when), decision in zip(candidates.found[item], DECISIONS, strict=False):
            submitted = (
                min(when + 26 * HOUR, cutoff - 48 * HOUR) if not np.isnat(when) else cutoff - 48 * HOUR
            )
            decided = submitted + 24 * HOUR if decision != "待审核" else np.datetime64("NaT", "s")
            rows.append(
                {
                    "order_id": order_id,
                    "unit_code": unit_code,
                    "item": item,
                    "submitted_at": submitted.astype("datetime64[s]"),
                    "decision": decision,
                    "decided_at": decided.astype("datetime64[s]") if decision != "待审核" else decided,
                    "reason": REASONS[item],
                }
            )
    ids = [f"SS{compact_month}{i + 1:03d}" for i in range(len(rows))]
    columns: dict[str, np.ndarray] = {"appeal_id": np.array(ids, dtype=object)}
    for name in ("order_id", "unit_code", "item", "submitted_at", "decision", "decided_at", "reason"):
        values = [r[name] for r in rows]
        columns[name] = (
            np.array(values, dtype="datetime64[s]")
            if name.endswith("_at")
            else np.array(values, dtype=object)
        )
    return columns
