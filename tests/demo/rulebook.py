"""An independent, slow-but-obvious reading of rules.md, to check the generator's figures against."""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar
import pandas as pd

COMPLETE_DAYS = {
    "市派": {"咨询": 3, "表扬": 3, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
    "省派": {"咨询": 2, "表扬": 2, "求助": 5, "信息采集上报": 5, "建议": 10, "举报": 15, "投诉": 15},
}


@cache
def nth_workday_after(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def deadline(ts: pd.Timestamp, n: int) -> pd.Timestamp:
    """Same clock time on the n-th working day after the date of `ts`."""
    day = nth_workday_after(ts.date(), n)
    return pd.Timestamp(dt.datetime.combine(day, ts.time()))


def effective_deadlines(dispatched: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(sign_deadline, due_at) of dispatched orders, computed where the export leaves them empty."""
    sign = dispatched["sign_deadline"].copy()
    due = dispatched["due_at"].copy()
    for i in dispatched.index[sign.isna()]:
        sign[i] = deadline(dispatched.at[i, "dispatched_at"], 1)
    for i in dispatched.index[due.isna()]:
        row = dispatched.loc[i]
        due[i] = deadline(row["dispatched_at"], COMPLETE_DAYS[row["dispatch_level"]][row["category"]])
    return pd.to_datetime(sign), pd.to_datetime(due)


def unit_rates(orders: pd.DataFrame, start: pd.Timestamp, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Per unit: numerators and denominators of 及时签收率, 按时办结率, 回访满意率 (rules.md)."""
    d = orders[orders["handling"] == "交办"].copy()
    d["sign_eff"], d["due_eff"] = effective_deadlines(d)
    sent_in_m = (d["dispatched_at"] >= start) & (d["dispatched_at"] < cutoff)
    signed = d["signed_at"].notna()
    d["sign_total"] = sent_in_m & ((d["sign_eff"] < cutoff) | signed)
    d["sign_on_time"] = d["sign_total"] & signed & (d["signed_at"] <= d["sign_eff"])
    d["due_total"] = (d["due_eff"] >= start) & (d["due_eff"] < cutoff)
    d["due_on_time"] = d["due_total"] & d["completed_at"].notna() & (d["completed_at"] <= d["due_eff"])
    done = (d["completed_at"] >= start) & (d["completed_at"] < cutoff)
    d["rated"] = done & d["visit_result"].isin(["满意", "基本满意", "不满意"])
    d["satisfied"] = d["rated"] & d["visit_result"].isin(["满意", "基本满意"])
    d["city_rated"] = d["rated"] & (d["dispatch_level"] == "市派")
    d["city_satisfied"] = d["satisfied"] & (d["dispatch_level"] == "市派")
    columns = ["sign_total", "sign_on_time", "due_total", "due_on_time", "rated", "satisfied"]
    columns += ["city_rated", "city_satisfied"]
    grouped = d.groupby("unit_code")[columns].sum()
    grouped["orders"] = d.groupby("unit_code").size()
    return grouped
