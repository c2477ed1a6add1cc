"""A hand-made month (2021-03) of four city departments, with appeals, and its figures by hand.

Every order is 市派, 交办, with explicit deadlines (sign by 03-02 10:00, complete by 03-10 10:00),
so nothing depends on the calendar. A clean order is signed 03-01 11:00, completed 03-05 10:00 and
rated 满意. Variants: late sign (signed 03-02 15:00), late completion (03-12 10:00), 不满意.

    unit  name      O1         O2               O3      O4      O5
    C1    市住建局  late sign  late completion  不满意  clean   不满意
    C2    市公安局  late sign  late completion  不满意  clean   不满意
    C3    市城管局  late sign  late completion  不满意  clean   不满意
    C4    市交通局  clean      late completion  不满意  不满意  不满意

Without appeals (rules.md, default rulebook 2021-01; 答复规范 10 + 首次回应率 10 + 知识储备 12 +
实例拨测 12 = 44 for every unit, no workload bonus under 100 orders):

* C1..C3: 及时签收率 4/5 = 80 % → max(0, 10 − 0.5·20) = 0; 按时办结率 4/5 = 80 % → 20 − 15 = 5;
  回访满意率 3/5 = 60 % → 25 − 0.5·35 = 7.5; total 56.5.
* C4: 及时签收率 100 % → 10; 按时办结率 80 % → 5; 回访满意率 2/5 = 40 % → max(0, 25 − 27.5) = 0;
  total 59.

Appeals (APPEALS_FINAL):

* A01 C1 C1-O1 及时签收率 通过 → C1 signs 5/5 → 10 → 66.5
* A02 C2 C2-O2 按时办结率 通过 → C2 completes 5/5 → 20 → 71.5
* A03, A04 C3 C3-O3 回访满意率 通过 twice → counted once: 3/4 = 75 % → 25 − 10 = 15 → 64
* A05 C4 C4-O3 回访满意率 不通过, A06 C4 C4-O2 按时办结率 待审核 → nothing: 59
* A07 C2 on C1-O1 → quarantined (order_id.dispatched_to_unit: C1's order)
* A08 C4 C4-O1 回访满意率 → quarantined (item.applies_to_order: rated 满意)

Ranks: C2 71.5 (1), C1 66.5 (2), C3 64 (3), C4 59 (4). The platform's rates do not move: sign
17/20 = 85 %, completion 16/20 = 80 %, satisfaction 11/20 = 55 %.

APPEALS_FIRST is the same file with A01 still 待审核 (the first published version): C1 56.5, ranks
C2 (1), C3 (2), C4 (3), C1 (4).
"""

from __future__ import annotations

import csv
from pathlib import Path

MONTH = "2021-03"
UNITS = {"C1": "市住建局", "C2": "市公安局", "C3": "市城管局", "C4": "市交通局"}
CLEAN = {
    "received_at": "2021-03-01 09:00:00",
    "channel": "电话",
    "category": "投诉",
    "handling": "交办",
    "dispatch_level": "市派",
    "dispatched_at": "2021-03-01 10:00:00",
    "sign_deadline": "2021-03-02 10:00:00",
    "signed_at": "2021-03-01 11:00:00",
    "due_at": "2021-03-10 10:00:00",
    "completed_at": "2021-03-05 10:00:00",
    "visit_result": "满意",
    "caller_phone": "13912345678",
    "content": "小区路灯不亮",
}
LATE_SIGN = {"signed_at": "2021-03-02 15:00:00"}
LATE_COMPLETION = {"completed_at": "2021-03-12 10:00:00"}
UNSATISFIED = {"visit_result": "不满意"}
PATTERNS = {
    "C1": (LATE_SIGN, LATE_COMPLETION, UNSATISFIED, {}, UNSATISFIED),
    "C2": (LATE_SIGN, LATE_COMPLETION, UNSATISFIED, {}, UNSATISFIED),
    "C3": (LATE_SIGN, LATE_COMPLETION, UNSATISFIED, {}, UNSATISFIED),
    "C4": ({}, LATE_COMPLETION, UNSATISFIED, UNSATISFIED, UNSATISFIED),
}
#: an appeal's reason is personal free text: it must never leave raw
REASON = "市民反映问题已解决但拒绝评价，联系电话13700001111"

APPEAL_COLUMNS = (
    "申诉编号",
    "工单编号",
    "申诉单位编码",
    "申诉事项",
    "申诉时间",
    "审核结果",
    "审核时间",
    "申诉理由",
)


def _appeal(appeal_id: str, unit: str, order: str, item: str, decision: str) -> dict[str, str]:
    decided = "" if decision == "待审核" else "2021-03-20 10:00:00"
    return {
        "申诉编号": appeal_id,
        "工单编号": order,
        "申诉单位编码": unit,
        "申诉事项": item,
        "申诉时间": "2021-03-15 10:00:00",
        "审核结果": decision,
        "审核时间": decided,
        "申诉理由": REASON,
    }


APPEALS_FINAL = [
    _appeal("A01", "C1", "C1-O1", "及时签收率", "通过"),
    _appeal("A02", "C2", "C2-O2", "按时办结率", "通过"),
    _appeal("A03", "C3", "C3-O3", "回访满意率", "通过"),
    _appeal("A04", "C3", "C3-O3", "回访满意率", "通过"),
    _appeal("A05", "C4", "C4-O3", "回访满意率", "不通过"),
    _appeal("A06", "C4", "C4-O2", "按时办结率", "待审核"),
    _appeal("A07", "C2", "C1-O1", "及时签收率", "通过"),
    _appeal("A08", "C4", "C4-O1", "回访满意率", "通过"),
]
APPEALS_FIRST = [
    {**row, "审核结果": "待审核", "审核时间": ""} if row["申诉编号"] == "A01" else row
    for row in APPEALS_FINAL
]


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_month(landing: Path) -> None:
    """units.csv at the landing root and orders.csv in the month folder (English headers)."""
    _write(
        landing / "units.csv",
        ["unit_code", "unit_name", "unit_group"],
        [{"unit_code": c, "unit_name": n, "unit_group": "市级部门及单位"} for c, n in UNITS.items()],
    )
    orders = []
    for unit, variants in PATTERNS.items():
        for number, variant in enumerate(variants, start=1):
            orders.append({"order_id": f"{unit}-O{number}", "unit_code": unit, **CLEAN, **variant})
    _write(landing / MONTH / "orders.csv", ["order_id", "unit_code", *CLEAN], orders)


def write_appeals(landing: Path, rows: list[dict[str, str]]) -> Path:
    """appeals.csv with the Chinese headers, as the platform exports it."""
    path = landing / MONTH / "appeals.csv"
    _write(path, list(APPEAL_COLUMNS), rows)
    return path
