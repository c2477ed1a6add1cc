"""A small warehouse for the anomaly tests, written by hand with the documented columns.

The marts come from tests/bulletin/marts_fixture.py (docs/data-model.md's columns);
`intermediate.int_county_data_quality` has the columns of its model; `raw.quarantine` has the
columns issue 4 asks for (month, input, source_row, rule, the row minus personal data).

Months 2021-01 (previous) and 2021-02 (evaluated):
* units: 东海县 120 → 40 orders (−66.7 %: alert), 灌云县 30 → 44 (+46.7 %: none), 市公安局 10 → 18
  (under 20 orders: none), 市民政局 25 → 10 (−60 %: alert), 市住建局 0 → 22 (from 0: alert),
  市新单位 only in 2021-02 (no comparison);
* platform satisfaction 95.48 % → 88.10 % (−7.38 points: alert);
* uptime: 东海县 97.50 % (alert), 灌云县 99.00 % (at target: none), 赣榆区 without probes (none);
  the rulebook's 接口稳定性 target of 2021-02 is 99;
* quarantine: orders 5 of 200 rows (2.5 %: alert), units 1 of 150 (0.67 %: none).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.raw_tables import ensure_raw_tables
from tests.bulletin.marts_fixture import create_marts, insert

MONTH = "2021-02"
PREVIOUS = "2021-01"

INT_COUNTY_DATA_QUALITY = (
    "month varchar, unit_code varchar, records bigint, required_cells bigint, filled_cells bigint, "
    "content_complete_records bigint, timely_records bigint, probes bigint, ok_probes bigint, "
    "uptime_rate decimal(38,12), assessment_deduction decimal(38,12), integration_score decimal(38,12), "
    "failed_inspections bigint, data_completeness decimal(38,12), content_completeness decimal(38,12), "
    "deduction_item decimal(38,12), inspection_item decimal(38,12), timeliness decimal(38,12), "
    "interface_stability decimal(38,12), integration decimal(38,12), total decimal(38,12)"
)
#: as pipelines/raw_tables.py creates it (one row per quarantined source row, rules `; `-joined)
QUARANTINE = (
    "month varchar not null, input varchar not null, source_file varchar, source_row bigint not null, "
    "rule varchar not null, row_json varchar"
)

UNIT_ORDERS = {
    # code: (name, orders in 2021-01 or None, orders in 2021-02)
    "LYG0101": ("东海县", 120, 40),
    "LYG0102": ("灌云县", 30, 44),
    "LYG0301": ("市公安局", 10, 18),
    "LYG0302": ("市民政局", 25, 10),
    "LYG0303": ("市住建局", 0, 22),
    "LYG0399": ("市新单位", None, 60),
}


def build_warehouse(path: Path, quarantine: bool = True, keep_quarantined_in_raw: bool = False) -> Path:
    con = duckdb.connect(str(path))
    try:
        create_marts(con)
        ensure_raw_tables(con)
        con.execute("create schema if not exists intermediate")
        con.execute(f"create table intermediate.int_county_data_quality ({INT_COUNTY_DATA_QUALITY})")
        for code, (name, before, now) in UNIT_ORDERS.items():
            for month, orders in ((PREVIOUS, before), (MONTH, now)):
                if orders is not None:
                    row = {"unit_code": code, "unit_name": name, "orders": orders}
                    insert(con, "fct_unit_scores", [row], month)
        insert(con, "fct_intake", [{"total": 1000, "satisfaction_rate": 95.48}], PREVIOUS)
        insert(con, "fct_intake", [{"total": 900, "satisfaction_rate": 88.10}], MONTH)
        for code, name, probes, ok, rate in (
            ("LYG0101", "东海县", 200, 195, 97.5),
            ("LYG0102", "灌云县", 100, 99, 99.0),
            ("LYG0103", "赣榆区", 0, 0, None),
        ):
            insert(con, "fct_county_data_quality", [{"unit_code": code, "unit_name": name}], MONTH)
            insert(
                con,
                "intermediate.int_county_data_quality",
                [{"unit_code": code, "probes": probes, "ok_probes": ok, "uptime_rate": rate}],
                MONTH,
            )
        insert(
            con,
            "raw.rulebook_params",
            [{"version": "2021-01", "item": "接口稳定性", "param": "target", "value": 99}],
            MONTH,
        )
        accepted_orders = 200 if keep_quarantined_in_raw else 195
        con.execute(
            "insert into raw.orders (month, source_file, source_row) "
            f"select '{MONTH}', 'orders.csv', range + 1 from range({accepted_orders})"
        )
        con.execute(
            "insert into raw.units (month, source_file, source_row) "
            f"select '{MONTH}', 'units.csv', range + 1 from range(149)"
        )
        con.execute("drop table if exists raw.quarantine")
        if quarantine:
            con.execute(f"create table raw.quarantine ({QUARANTINE})")
            rows = [("orders", row, "dispatched_after_received") for row in (196, 197, 198)]
            rows += [("orders", 199, "received_at: '2021-13-45' is not a timestamp (YYYY-MM-DD HH:MM:SS)")]
            rows += [("orders", 200, "unknown_unit; after_cutoff")]  # a row breaking two rules
            rows += [("units", 150, "duplicate_unit_code")]
            for input_name, source_row, rule in rows:
                insert(
                    con,
                    "raw.quarantine",
                    [{"input": input_name, "source_file": f"{input_name}.csv", "source_row": source_row,
                      "rule": rule}],
                    MONTH,
                )
    finally:
        con.close()
    return path
