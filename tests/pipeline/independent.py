"""An independent recomputation of bulletin figures with pandas over the landing files.

Deliberately shares nothing with the pipeline but the contract's column names: the deadline rule
is re-implemented here with chinese_calendar, so an error in the dbt models cannot hide itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import chinese_calendar
import pandas as pd

from pipelines.contract import ORDERS, UNITS

SIGN_DAYS = 1
COMPLETE_DAYS = {
    "市派": {"咨询": 3, "表扬": 3, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
    "省派": {"咨询": 2, "表扬": 2, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
}


def round2(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate(numerator: int, denominator: int) -> float | None:
    if denominator == 0:
        return None
    return round2(Decimal(numerator) * 100 / Decimal(denominator))


def read_orders(landing: Path, month: str) -> pd.DataFrame:
    """orders.csv (GB18030, Chinese headers) as English columns with parsed timestamps."""
    frame = pd.read_csv(landing / month / "orders.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={c.chinese: c.name for c in ORDERS.columns if c.chinese})
    frame = frame.replace({"": None})
    for column in ORDERS.columns:
        if column.type == "timestamp" and column.name in frame:
            frame[column.name] = pd.to_datetime(frame[column.name], format="%Y-%m-%d %H:%M:%S")
    return frame


def read_units(landing: Path) -> pd.DataFrame:
    frame = pd.read_csv(landing / "units.csv", dtype=str, encoding="utf-8-sig")
    return frame.rename(columns={c.chinese: c.name for c in UNITS.columns if c.chinese})


@cache
def _is_workday(day: date) -> bool:
    return chinese_calendar.is_workday(day)


def nth_working_day_after(moment: datetime, days: int) -> datetime:
    day = moment.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if _is_workday(day):
            counted += 1
    return datetime.combine(day, moment.time())


def with_deadlines(dispatched: pd.DataFrame) -> pd.DataFrame:
    frame = dispatched.copy()
    missing_sign = frame["sign_deadline"].isna()
    frame.loc[missing_sign, "sign_deadline"] = [
        nth_working_day_after(t, SIGN_DAYS) for t in frame.loc[missing_sign, "dispatched_at"]
    ]
    missing_due = frame["due_at"].isna()
    frame.loc[missing_due, "due_at"] = [
        nth_working_day_after(row.dispatched_at, COMPLETE_DAYS[row.dispatch_level][row.category])
        for row in frame.loc[missing_due].itertuples()
    ]
    frame["sign_deadline"] = pd.to_datetime(frame["sign_deadline"])
    frame["due_at"] = pd.to_datetime(frame["due_at"])
    return frame


def platform_figures(orders: pd.DataFrame, month: str) -> dict[str, object]:
    start = pd.Timestamp(f"{month}-01")
    cutoff = start + pd.offsets.MonthBegin(1)
    dispatched = with_deadlines(orders[orders["handling"] == "交办"])

    in_month = dispatched[(dispatched["dispatched_at"] >= start) & (dispatched["dispatched_at"] < cutoff)]
    sign_counted = in_month[(in_month["sign_deadline"] < cutoff) | in_month["signed_at"].notna()]
    signed_on_time = sign_counted[sign_counted["signed_at"] <= sign_counted["sign_deadline"]]

    due = dispatched[(dispatched["due_at"] >= start) & (dispatched["due_at"] < cutoff)]
    on_time = due[due["completed_at"].notna() & (due["completed_at"] <= due["due_at"])]

    completed = dispatched[(dispatched["completed_at"] >= start) & (dispatched["completed_at"] < cutoff)]
    rated = completed[completed["visit_result"].isin(["满意", "基本满意", "不满意"])]
    satisfied = rated[rated["visit_result"].isin(["满意", "基本满意"])]

    total = len(orders)
    by_channel = orders["channel"].value_counts()
    by_category = orders["category"].value_counts()
    province = orders[orders["dispatch_level"] == "省派"]
    return {
        "total": total,
        "received_this_month": int((orders["received_at"] >= start).sum()),
        "carried_over": int((orders["received_at"] < start).sum()),
        "direct": int((orders["handling"] == "直接办理").sum()),
        "dispatched": len(dispatched),
        "timely_sign_rate": rate(len(signed_on_time), len(sign_counted)),
        "on_time_completion_rate": rate(len(on_time), len(due)),
        "satisfaction_rate": rate(len(satisfied), len(rated)),
        "channels": {name: (int(n), rate(int(n), total)) for name, n in by_channel.items()},
        "categories": {name: (int(n), rate(int(n), total)) for name, n in by_category.items()},
        "province_count": len(province),
        "supervision_count": int(province["supervision"].isin(["是", "1", "true", "True"]).sum()),
        "orders_by_unit": dispatched["unit_code"].value_counts().to_dict(),
        "due_by_unit": due["unit_code"].value_counts().to_dict(),
    }
