"""bulletin.json's `year_to_date` and `recovery` (bulletin.md "Added keys"), read from the marts.

- `year_to_date(con, month, groups)` — `{"year", "months", "rankings": {group: [entry]}}` from
  `marts.fct_year_to_date` and `marts.fct_unit_monthly_totals` (rules.md "Year to date"). Each
  entry: `unit_code, unit_name, months_ranked, score, rank`, plus (additions) `first_month`,
  `last_month` and `monthly`: the unit's ranked months `[{"month", "score", "rank"}]`. Listed
  score desc, then months ranked desc, then unit_code (the mart's display_order).
- `recovery(con, month)` — `[{"unit_code", "item", "part", "denominator", "good", "to_full"}]`
  plus `unit_name` and `target` (additions) from `marts.fct_recovery` (rules.md "Points to
  recover"), by unit_code, then the rulebook's item order, then part (市派 before 省派).

Nothing is computed here: the marts hold the figures; this only selects, orders and converts
(decimals become floats rounded to 2 places, counts ints).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from pipelines.bulletin.formatting import json_count, json_number

#: the relations read here and their columns (figures.check_relations checks them up front)
YEAR_REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "marts.fct_year_to_date": (
        "month",
        "evaluation_year",
        "unit_code",
        "unit_name",
        "unit_group",
        "months_ranked",
        "first_month",
        "last_month",
        "score",
        "rank",
        "display_order",
    ),
    "marts.fct_unit_monthly_totals": (
        "month",
        "score_month",
        "unit_code",
        "unit_name",
        "unit_group",
        "orders",
        "is_ranked",
        "rank",
        "total",
    ),
    "marts.fct_recovery": (
        "month",
        "unit_code",
        "unit_name",
        "item",
        "item_order",
        "part",
        "part_order",
        "denominator",
        "good",
        "target",
        "to_full",
    ),
}


def _rows(con: duckdb.DuckDBPyConnection, relation: str, month: str, order_by: str) -> list[dict[str, Any]]:
    columns = YEAR_REQUIRED_COLUMNS[relation]
    cursor = con.execute(
        f"select {', '.join(columns)} from {relation} where month = ? order by {order_by}", [month]
    )
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def year_to_date(con: duckdb.DuckDBPyConnection, month: str, groups: Sequence[str]) -> dict[str, Any]:
    """The year-to-date ranking of `month` (YYYY-MM), in the shape of bulletin.md's `year_to_date`;
    `groups` are the ranked groups of the month's rulebook (the keys of `rankings`, in order)."""
    monthly_rows = _rows(con, "marts.fct_unit_monthly_totals", month, "score_month, unit_code")
    months = sorted({r["score_month"] for r in monthly_rows})
    monthly: dict[str, list[dict[str, Any]]] = {}
    for row in monthly_rows:
        if row["is_ranked"]:
            monthly.setdefault(row["unit_code"], []).append(
                {
                    "month": row["score_month"],
                    "score": json_number(row["total"]),
                    "rank": json_count(row["rank"]),
                }
            )
    ytd_rows = _rows(con, "marts.fct_year_to_date", month, "unit_group, display_order")
    rankings: dict[str, list[dict[str, Any]]] = {group: [] for group in groups}
    for row in ytd_rows:
        if row["unit_group"] not in rankings:
            continue
        rankings[row["unit_group"]].append(
            {
                "unit_code": row["unit_code"],
                "unit_name": row["unit_name"],
                "months_ranked": json_count(row["months_ranked"]),
                "score": json_number(row["score"]),
                "rank": json_count(row["rank"]),
                # additions
                "first_month": row["first_month"],
                "last_month": row["last_month"],
                "monthly": monthly.get(row["unit_code"], []),
            }
        )
    return {"year": int(month[:4]), "months": months, "rankings": rankings}


def recovery(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    """The points to recover of `month`, in the shape of bulletin.md's `recovery`."""
    rows = _rows(con, "marts.fct_recovery", month, "unit_code, item_order, part_order, item")
    # bulletin.md: "by unit_code then item" (the item's name, then the part: 市派 before 省派)
    rows.sort(key=lambda r: (r["unit_code"], r["item"], r["part"] or ""))
    return [
        {
            "unit_code": r["unit_code"],
            "item": r["item"],
            "part": r["part"],
            "denominator": json_count(r["denominator"]),
            "good": json_count(r["good"]),
            "to_full": json_count(r["to_full"]),
            # additions
            "unit_name": r["unit_name"],
            "target": json_number(r["target"]),
        }
        for r in rows
    ]
