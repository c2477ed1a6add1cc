"""Fifteen months of marts for the history rule, written by hand (docs/alerts.md's worked example).

Months 2021-01 … 2022-03; 2021-02 and 2022-02 are 春节 months (config/rulebook.yaml).
* 灌云县 LYG0102: ordinary months around 1,010 orders (the 11 ordinary months 2021-03 … 2022-01:
  1000 1040 980 1010 1100 990 1020 1060 950 1005 1030 → median 1010, MAD 20, spread
  max(1.4826 × 20, 10 % × 1010) = 101, range 1010 ± 3 × 101 = 707 … 1313); 春节 months 700
  (2021-02) and 650 (2022-02); 2022-03: 340 (a third) → anomaly, score (340 − 1010) / 101 = −6.63.
* 东海县 LYG0101: 1,600 orders each ordinary month, 700 in the 春节 months, 1,550 in 2022-03
  (+121 % against 2022-02: the old M−1 rule would alert; its history says normal). Its 及时签收率 is
  100.00 every month and 92.00 in 2022-03 (spread floor 1 point: range 97 … 103 → anomaly). Its
  interface uptime is 99.50 every month and 95.00 in 2022-03 (range 96.5 … 102.5 → anomaly).
* 市新单位 LYG0399: only since 2021-12 (100, 100, 100 orders), 30 in 2022-03: too little history
  (2 ordinary months of the 6 needed; 2022-02 is a 春节 month), so the M−1 rule judges it:
  100 → 30 (−70 %) → orders_change.
* 市民政局 LYG0302: 10 orders a month: its rates are not judged (fewer than 20 orders).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.alerts.warehouse_fixture import INT_COUNTY_DATA_QUALITY
from tests.bulletin.marts_fixture import create_marts, insert

MONTHS = [f"2021-{m:02d}" for m in range(1, 13)] + ["2022-01", "2022-02", "2022-03"]
HOLIDAYS = {"2021-02": "春节", "2022-02": "春节"}
EVALUATED = "2022-03"
ORDINARY_GUANYUN = [1000, 1040, 980, 1010, 1100, 990, 1020, 1060, 950, 1005, 1030]


def _orders() -> dict[str, dict[str, int]]:
    ordinary = [m for m in MONTHS[:-1] if m not in HOLIDAYS and m >= "2021-03"]
    guanyun = dict(zip(ordinary, ORDINARY_GUANYUN, strict=True))
    guanyun.update({"2021-01": 990, "2021-02": 700, "2022-02": 650, "2022-03": 340})
    donghai = {m: 700 if m in HOLIDAYS else 1600 for m in MONTHS}
    donghai["2022-03"] = 1550
    return {
        "LYG0101": donghai,
        "LYG0102": guanyun,
        "LYG0399": {"2021-12": 100, "2022-01": 100, "2022-02": 100, "2022-03": 30},
        "LYG0302": dict.fromkeys(MONTHS, 10),
    }


NAMES = {
    "LYG0101": ("东海县", "县区"),
    "LYG0102": ("灌云县", "县区"),
    "LYG0399": ("市新单位", "市级部门及单位"),
    "LYG0302": ("市民政局", "市级部门及单位"),
}


def build_history_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        create_marts(con)
        con.execute("create schema if not exists intermediate")
        con.execute(f"create table intermediate.int_county_data_quality ({INT_COUNTY_DATA_QUALITY})")
        for code, by_month in _orders().items():
            name, group = NAMES[code]
            for month, orders in by_month.items():
                timely = 92.0 if (code, month) == ("LYG0101", EVALUATED) else 100.0
                if code == "LYG0302":
                    timely = 50.0 if month == EVALUATED else 100.0  # 10 orders: never judged
                row = {"unit_code": code, "unit_name": name, "unit_group": group, "orders": orders,
                       "timely_sign_rate": timely, "on_time_completion_rate": 96.0,
                       "satisfaction_city_rate": 97.0}  # fmt: skip
                insert(con, "fct_unit_scores", [row], month)
                if group == "县区":
                    uptime = 95.0 if (code, month) == ("LYG0101", EVALUATED) else 99.5
                    quality = {"unit_code": code, "unit_name": name, "data_completeness": 7.0,
                               "content_completeness": 6.5, "timeliness": 6.0, "total": 28.0}
                    insert(con, "fct_county_data_quality", [quality], month)
                    probes = {"unit_code": code, "probes": 200, "ok_probes": 199, "uptime_rate": uptime}
                    insert(con, "intermediate.int_county_data_quality", [probes], month)
    finally:
        con.close()
    return path
