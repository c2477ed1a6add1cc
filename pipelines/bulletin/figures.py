"""Every figure of the bulletin for month M, read from the marts, in the shape of bulletin.json.

`build_bulletin` reads only `marts.fct_*`, `marts.dim_units`, `raw.rulebook_texts`,
`raw.rulebook_params` and (when it exists) `raw.quarantine`; it computes nothing the marts
already hold, it only selects, orders and converts: scores, points and rates become floats
rounded half away from zero to 2 decimals (None without a denominator), counts become ints, so no
Decimal reaches json.dumps. The keys of the result are the public interface of bulletin.md;
keys added here (`unit_code` beside names, `standard`, `groups`, …) are additions, never renames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import duckdb

from pipelines.bulletin.formatting import json_count, json_number, round2, to_decimal
from pipelines.bulletin.rules import BulletinRules, read_rules
from pipelines.bulletin.year_figures import YEAR_REQUIRED_COLUMNS, recovery, year_to_date
from pipelines.contract import INPUTS
from pipelines.months import check_month

#: handling items in the bulletin's order → the fct_unit_scores column of their points
HANDLING_ITEMS: dict[str, str] = {
    "及时签收率": "pts_timely_sign",
    "按时办结率": "pts_on_time_completion",
    "回访满意率": "pts_satisfaction",
    "答复规范": "pts_reply_standard",
    "首次回应率": "pts_first_response",
    "知识储备": "pts_knowledge",
    "实例拨测": "pts_test_calls",
}

#: bulletin.json data_quality key → fct_county_data_quality column (the table's column order)
DATA_QUALITY_COLUMNS: dict[str, str] = {
    "数据完整": "data_completeness",
    "内容完整": "content_completeness",
    "扣分项": "deduction_item",
    "工单抽检": "inspection_item",
    "数据及时": "timeliness",
    "接口稳定性": "interface_stability",
    "一体化建设": "integration",
    "数据质量总分": "total",
}

#: every relation read, with the columns read (checked up front for a clear error)
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "marts.dim_units": ("month", "unit_code", "unit_name", "unit_group", "full_marks", "is_ranked_group"),
    "marts.fct_intake": (
        "month",
        "total",
        "received_this_month",
        "carried_over",
        "direct",
        "dispatched",
        "on_time_completion_rate",
        "timely_sign_rate",
        "satisfaction_rate",
    ),
    "marts.fct_intake_by_channel": ("month", "name", "count", "share", "sort_order"),
    "marts.fct_intake_by_category": ("month", "name", "count", "share", "sort_order"),
    "marts.fct_province_summary": (
        "month",
        "count",
        "previous_count",
        "change",
        "supervision_count",
        "unit_count",
        "due",
        "late",
        "on_time_rate",
        "rated",
        "satisfied",
        "satisfaction_rate",
    ),
    "marts.fct_province_units": (
        "month",
        "unit_code",
        "unit_name",
        "orders",
        "due",
        "late",
        "on_time_rate",
        "rated",
        "satisfied",
        "satisfaction_rate",
    ),
    "marts.fct_unit_scores": (
        "month",
        "unit_code",
        "unit_name",
        "unit_group",
        "full_marks",
        "orders",
        "completed_in_month",
        "is_ranked",
        "unranked_reason",
        "rank",
        *HANDLING_ITEMS.values(),
        "bonus",
        "data_quality",
        "county_platform",
        "total",
        "timely_sign_rate",
        "on_time_completion_rate",
        "satisfaction_city_rate",
        "satisfaction_province_rate",
        "first_response_rate",
        "sign_total",
        "sign_late",
        "due_total",
        "late_total",
        "city_rated",
        "city_unsatisfied",
        "province_rated",
        "province_unsatisfied",
        "reply_findings",
        "first_response_total",
        "first_response_failed",
        "knowledge_late",
        "test_call_deduction",
    ),
    "marts.fct_county_data_quality": (
        "month",
        "unit_code",
        "unit_name",
        "records",
        *DATA_QUALITY_COLUMNS.values(),
        "platform_on_time_points",
        "platform_satisfaction_points",
        "county_platform",
    ),
    "marts.fct_explanations": (
        "month",
        "unit_code",
        "unit_name",
        "item",
        "points_lost",
        "reason",
        "evidence_ids",
    ),
    "marts.fct_quality_summary": ("month", "average_orders", "above_average_units", "reply_finding_units"),
    "marts.fct_quality_lowest": ("month", "indicator", "position", "unit_code", "unit_name", "rate"),
    "marts.fct_unit_findings": (
        "month",
        "unit_code",
        "unit_name",
        "first_response_failed",
        "knowledge_late",
        "test_call_deduction",
        "test_call_reasons",
    ),
    "marts.fct_duty_phone_calls": ("month", "unit_code", "unit_name", "calls", "failed"),
    "raw.rulebook_params": ("month", "version"),
    "raw.rulebook_texts": ("month", "version", "key", "value"),
    # year to date and points to recover (year_figures.py)
    **YEAR_REQUIRED_COLUMNS,
}

QUARANTINE_TABLE = "raw.quarantine"
#: optional: a warehouse built before appeals existed has no such mart (then: no appeals)
APPEALS_MART = "marts.fct_appeals"
APPEALS_COLUMNS = ("unit_code", "unit_name", "item", "upheld", "rejected", "pending")
LOWEST_INDICATORS = {
    "timely_sign": "lowest_timely_sign",
    "on_time_completion": "lowest_on_time_completion",
    "satisfaction": "lowest_satisfaction",
}
REASON_SEPARATOR = "、"
#: section 一.3 explains this many lowest units (it counts those scoring at least the handling
#: items' full marks, `BulletinRules.excellent_score`)
LOWEST_COUNT = 3


class BulletinDataError(RuntimeError):
    """The warehouse lacks something the bulletin needs; the message names the table and the fix."""


# ---------------------------------------------------------------------------------------------
# reading


def _relations(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """schema.table → its column names, for the current database (tables and views)."""
    rows = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_catalog = current_database()"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for schema, table, column in rows:
        found.setdefault(f"{schema}.{table}", set()).add(column)
    return found


def check_relations(con: duckdb.DuckDBPyConnection) -> bool:
    """Raise BulletinDataError listing every missing table or column; True when raw.quarantine exists."""
    found = _relations(con)
    problems = []
    for relation, columns in REQUIRED_COLUMNS.items():
        if relation not in found:
            problems.append(f"{relation} does not exist")
            continue
        missing = [c for c in columns if c not in found[relation]]
        if missing:
            problems.append(f"{relation} lacks column(s) {', '.join(missing)}")
    if problems:
        raise BulletinDataError(
            "the warehouse cannot produce the bulletin: "
            + "; ".join(problems)
            + " (run the raw assets and `dbt build` for the month first; docs/data-model.md lists the marts)"
        )
    return QUARANTINE_TABLE in found


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error as exc:
        raise BulletinDataError(f"query failed: {exc}\n{sql}") from exc


def _month_rows(con: duckdb.DuckDBPyConnection, relation: str, month: str, order_by: str = "") -> list[dict]:
    columns = ", ".join(f'"{c}"' for c in REQUIRED_COLUMNS[relation])
    order = f" order by {order_by}" if order_by else ""
    return _rows(con, f"select {columns} from {relation} where month = ?{order}", [month])


def _one_row(con: duckdb.DuckDBPyConnection, relation: str, month: str) -> dict[str, Any]:
    rows = _month_rows(con, relation, month)
    if len(rows) != 1:
        raise BulletinDataError(
            f"{relation} has {len(rows)} rows for {month}, expected exactly one "
            f"(run `dbt build --vars '{{month: {month}}}'` for the month)"
        )
    return rows[0]


# ---------------------------------------------------------------------------------------------
# small conversions


def _n(value: Any) -> float | None:
    return json_number(value)


def _i(value: Any) -> int | None:
    return json_count(value)


def _i0(value: Any) -> int:
    return json_count(value) or 0


def _sort_number(value: Any) -> Decimal:
    """Key for ordering on a displayed (rounded) number; None sorts as lowest."""
    return round2(value) if value is not None else Decimal("-Infinity")


def _unit(row: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"unit_code": row["unit_code"], "unit_name": row["unit_name"], **more}


def _split(text: str | None, separator: str) -> list[str]:
    if text is None:
        return []
    return [part.strip() for part in str(text).split(separator) if part.strip()]


# ---------------------------------------------------------------------------------------------
# the sections


def _rulebook(con: duckdb.DuckDBPyConnection, month: str) -> tuple[str, str]:
    versions = [
        r["version"]
        for r in _rows(
            con, "select distinct version from raw.rulebook_params where month = ? order by version", [month]
        )
    ]
    if len(versions) != 1:
        raise BulletinDataError(
            f"raw.rulebook_params has {len(versions)} rulebook versions for {month} ({versions}), "
            "expected one (materialize the rulebook asset for the month)"
        )
    texts = _rows(con, "select value from raw.rulebook_texts where month = ? and key = 'standard'", [month])
    if len(texts) != 1 or not (texts[0]["value"] or "").strip():
        raise BulletinDataError(
            f"raw.rulebook_texts has no single non-empty `standard` for {month} "
            "(materialize the rulebook asset for the month; the standard is a field of config/rulebook.yaml)"
        )
    return versions[0], texts[0]["value"].strip()


def _quarantined(con: duckdb.DuckDBPyConnection, month: str, has_table: bool) -> dict[str, int]:
    counts = {spec.name: 0 for spec in INPUTS}
    if has_table:
        rows = _rows(
            con,
            f"select input, count(*) as n from {QUARANTINE_TABLE} "
            "where month = ? group by input order by input",
            [month],
        )
        for row in rows:
            counts[str(row["input"])] = _i0(row["n"])
    return counts


def _intake(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, Any]:
    row = _one_row(con, "marts.fct_intake", month)
    counts = ("total", "received_this_month", "carried_over", "direct", "dispatched")
    rates = ("on_time_completion_rate", "timely_sign_rate", "satisfaction_rate")
    return {**{k: _i0(row[k]) for k in counts}, **{k: _n(row[k]) for k in rates}}


def _shares(con: duckdb.DuckDBPyConnection, relation: str, month: str) -> list[dict[str, Any]]:
    """Channels or categories with at least one order, largest first (zero rows are left out)."""
    rows = _month_rows(con, relation, month, order_by='"count" desc, sort_order, name')
    return [
        {"name": r["name"], "count": _i0(r["count"]), "share": _n(r["share"])}
        for r in rows
        if _i0(r["count"]) > 0
    ]


def _province(con: duckdb.DuckDBPyConnection, month: str, rules: BulletinRules) -> dict[str, Any]:
    summary = _one_row(con, "marts.fct_province_summary", month)
    units = _month_rows(con, "marts.fct_province_units", month, order_by="unit_code")

    top = sorted(units, key=lambda u: (-_i0(u["orders"]), u["unit_code"]))[:5]
    late = sorted((u for u in units if _i0(u["late"]) > 0), key=lambda u: (-_i0(u["late"]), u["unit_code"]))
    below = [
        u
        for u in units
        if _i0(u["rated"]) > 0
        and to_decimal(u["satisfied"]) * 100 < rules.province_target * to_decimal(u["rated"])
    ]
    below.sort(key=lambda u: (_sort_number(u["satisfaction_rate"]), u["unit_code"]))
    return {
        "count": _i0(summary["count"]),
        "previous_count": _i(summary["previous_count"]),
        "change": _i(summary["change"]),
        "supervision_count": _i0(summary["supervision_count"]),
        "unit_count": _i0(summary["unit_count"]),
        "top_units": [_unit(u, count=_i0(u["orders"])) for u in top],
        "on_time_rate": _n(summary["on_time_rate"]),
        "units_all_on_time": [u["unit_name"] for u in units if _i0(u["due"]) > 0 and _i0(u["late"]) == 0],
        "units_late": [_unit(u, late=_i0(u["late"])) for u in late],
        "satisfaction_rate": _n(summary["satisfaction_rate"]),
        "units_full_satisfaction": [
            u["unit_name"] for u in units if _i0(u["rated"]) > 0 and _i0(u["satisfied"]) == _i0(u["rated"])
        ],
        "units_below_98": [_unit(u, rate=_n(u["satisfaction_rate"])) for u in below],
        # additions
        "due": _i0(summary["due"]),
        "late": _i0(summary["late"]),
        "rated": _i0(summary["rated"]),
        "satisfied": _i0(summary["satisfied"]),
        "units_all_on_time_codes": [
            u["unit_code"] for u in units if _i0(u["due"]) > 0 and _i0(u["late"]) == 0
        ],
        "units_full_satisfaction_codes": [
            u["unit_code"] for u in units if _i0(u["rated"]) > 0 and _i0(u["satisfied"]) == _i0(u["rated"])
        ],
        # every unit with province orders, by unit_code (the charts and bulletin.xlsx show them all)
        "units": [
            _unit(
                u,
                orders=_i0(u["orders"]),
                due=_i0(u["due"]),
                late=_i0(u["late"]),
                on_time_rate=_n(u["on_time_rate"]),
                rated=_i0(u["rated"]),
                satisfied=_i0(u["satisfied"]),
                satisfaction_rate=_n(u["satisfaction_rate"]),
            )
            for u in units
        ],
    }


def _ranking_key(row: dict[str, Any]) -> tuple[Decimal, int, str]:
    return (-round2(row["total"]), -_i0(row["orders"]), row["unit_code"])


def _unit_score(row: dict[str, Any]) -> dict[str, Any]:
    counts = (
        "sign_total",
        "sign_late",
        "due_total",
        "late_total",
        "city_rated",
        "city_unsatisfied",
        "province_rated",
        "province_unsatisfied",
        "reply_findings",
        "first_response_total",
        "first_response_failed",
        "knowledge_late",
    )
    return {
        "unit_code": row["unit_code"],
        "unit_name": row["unit_name"],
        "group": row["unit_group"],
        "items": {item: _n(row[column]) for item, column in HANDLING_ITEMS.items()},
        "bonus": _n(row["bonus"]),
        "data_quality": _n(row["data_quality"]),
        "county_platform": _n(row["county_platform"]),
        "total": _n(row["total"]),
        "rates": {
            "timely_sign": _n(row["timely_sign_rate"]),
            "on_time_completion": _n(row["on_time_completion_rate"]),
            "satisfaction_city": _n(row["satisfaction_city_rate"]),
            "satisfaction_province": _n(row["satisfaction_province_rate"]),
            "first_response": _n(row["first_response_rate"]),
        },
        # additions
        "full_marks": _n(row["full_marks"]),
        "orders": _i0(row["orders"]),
        "completed_in_month": _i0(row["completed_in_month"]),
        "rank": _i(row["rank"]),
        "counts": {k: _i0(row[k]) for k in counts},
        "test_call_deduction": _n(row["test_call_deduction"]),
    }


def _scores(con: duckdb.DuckDBPyConnection, month: str, rules: BulletinRules) -> dict[str, Any]:
    """rankings, unranked, unit_scores and the per-group facts of section 一."""
    dim = _month_rows(con, "marts.dim_units", month, order_by="unit_code")
    if not dim:
        raise BulletinDataError(f"marts.dim_units has no units for {month} (run `dbt build` for the month)")
    scores = _month_rows(con, "marts.fct_unit_scores", month, order_by="unit_code")
    ranked = [r for r in scores if r["is_ranked"]]
    unranked = [r for r in scores if not r["is_ranked"]]
    for row in ranked:
        if row["total"] is None or row["rank"] is None:
            raise BulletinDataError(
                f"marts.fct_unit_scores: ranked unit {row['unit_code']} has no total or rank"
            )
    for row in unranked:
        if row["unranked_reason"] not in ("no_orders", "no_due_orders"):
            raise BulletinDataError(
                f"marts.fct_unit_scores: unit {row['unit_code']} is not ranked, "
                f"unranked_reason {row['unranked_reason']!r} is not no_orders / no_due_orders"
            )

    rankings = {
        group: [
            {
                "unit_code": r["unit_code"],
                "unit_name": r["unit_name"],
                "orders": _i0(r["orders"]),
                "score": _n(r["total"]),
                "rank": _i(r["rank"]),
            }
            for r in sorted((r for r in ranked if r["unit_group"] == group), key=_ranking_key)
        ]
        for group in rules.ranked_groups
    }

    def names(rows: Iterable[dict[str, Any]], reason: str, group: str | None = None) -> list[str]:
        return [
            r["unit_name"]
            for r in rows
            if r["unranked_reason"] == reason and (group is None or r["unit_group"] == group)
        ]

    groups = {}
    for group in rules.ranked_groups:
        members = [d for d in dim if d["unit_group"] == group]
        marks = {d["full_marks"] for d in members if d["full_marks"] is not None}
        if len(marks) > 1:
            raise BulletinDataError(f"marts.dim_units: group {group} has several full_marks {sorted(marks)}")
        groups[group] = {
            "full_marks": _n(marks.pop()) if marks else None,
            "unit_count": len(members),
            "ranked_count": len(rankings[group]),
            # ranked units scoring at least the handling items' full marks (99 in the default
            # rulebook), in ranking order (section 一.3 names the first two)
            "units_at_least_99": [
                r["unit_name"] for r in rankings[group] if to_decimal(r["score"]) >= rules.excellent_score
            ],
            # the three lowest ranked units, lowest first (section 一.3 explains them)
            "lowest_units": [
                {"unit_code": r["unit_code"], "unit_name": r["unit_name"], "score": r["score"]}
                for r in reversed(rankings[group][-LOWEST_COUNT:])
            ],
            "no_orders": names(unranked, "no_orders", group),
            "no_due_orders": names(unranked, "no_due_orders", group),
        }

    return {
        "rankings": rankings,
        "unranked": {
            "no_orders": names(unranked, "no_orders"),
            "no_due_orders": names(unranked, "no_due_orders"),
        },
        "unit_scores": [_unit_score(r) for r in ranked],
        "groups": groups,
        "ranked_codes": {r["unit_code"] for r in ranked},
    }


def _data_quality(con: duckdb.DuckDBPyConnection, month: str) -> list[dict[str, Any]]:
    rows = _month_rows(con, "marts.fct_county_data_quality", month, order_by="unit_code")
    return [
        {
            "unit_code": r["unit_code"],
            "unit_name": r["unit_name"],
            "records": _i0(r["records"]),
            **{key: _n(r[column]) for key, column in DATA_QUALITY_COLUMNS.items()},
            # additions: 县级平台办件
            "platform_on_time_points": _n(r["platform_on_time_points"]),
            "platform_satisfaction_points": _n(r["platform_satisfaction_points"]),
            "county_platform": _n(r["county_platform"]),
        }
        for r in rows
    ]


def _quality(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, Any]:
    summary = _one_row(con, "marts.fct_quality_summary", month)
    lowest_rows = _month_rows(
        con, "marts.fct_quality_lowest", month, order_by="indicator, position, unit_code"
    )
    unknown = {r["indicator"] for r in lowest_rows} - set(LOWEST_INDICATORS)
    if unknown:
        raise BulletinDataError(f"marts.fct_quality_lowest: unknown indicator(s) {sorted(unknown)}")
    lowest = {
        key: [_unit(r, rate=_n(r["rate"])) for r in lowest_rows if r["indicator"] == indicator][:3]
        for indicator, key in LOWEST_INDICATORS.items()
    }
    findings = _month_rows(con, "marts.fct_unit_findings", month, order_by="unit_code")
    return {
        "above_average_units": _i0(summary["above_average_units"]),
        **lowest,
        "reply_finding_units": _i0(summary["reply_finding_units"]),
        "first_response_failed_units": [
            _unit(r, failed=_i0(r["first_response_failed"]))
            for r in findings
            if _i0(r["first_response_failed"]) > 0
        ],
        "knowledge_late_units": [
            _unit(r, late=_i0(r["knowledge_late"])) for r in findings if _i0(r["knowledge_late"]) > 0
        ],
        "test_call_deductions": [
            _unit(
                r,
                deduction=_n(r["test_call_deduction"]),
                reasons=_split(r["test_call_reasons"], REASON_SEPARATOR),
            )
            for r in findings
            if r["test_call_deduction"] is not None and to_decimal(r["test_call_deduction"]) > 0
        ],
        # additions
        "average_orders": _n(summary["average_orders"]),
        "duty_calls": _duty_calls(con, month),
    }


def _duty_calls(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, Any]:
    """Duty-phone test calls (值班电话): how many, and the units with failed ones, by unit_code."""
    rows = _month_rows(con, "marts.fct_duty_phone_calls", month, order_by="unit_code")
    return {
        "calls": sum(_i0(r["calls"]) for r in rows),
        "failed_units": [_unit(r, failed=_i0(r["failed"])) for r in rows if _i0(r["failed"]) > 0],
    }


def _item_order(item: str) -> tuple[int, str]:
    order = list(HANDLING_ITEMS)
    return (order.index(item), "") if item in order else (len(order), item)


def _explanations(con: duckdb.DuckDBPyConnection, month: str, ranked_codes: set[str]) -> list[dict[str, Any]]:
    rows = [r for r in _month_rows(con, "marts.fct_explanations", month) if r["unit_code"] in ranked_codes]
    rows.sort(key=lambda r: (r["unit_code"], _item_order(r["item"])))
    return [
        {
            "unit_code": r["unit_code"],
            "unit_name": r["unit_name"],
            "item": r["item"],
            "points_lost": _n(r["points_lost"]),
            "reason": r["reason"],
            "evidence_ids": sorted(_split(r["evidence_ids"], ",")),
        }
        for r in rows
    ]


def _appeals(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, Any]:
    """bulletin.md "Added keys" `appeals`: totals and the upheld appeals by unit_code then item.

    `upheld` counts orders once per item (two upheld appeals on one order and item count once),
    `rejected` and `pending` count appeals. `units` (an addition) lists every appealing unit and
    item with the three counts, for the xlsx and the report cards.
    """
    if APPEALS_MART not in _relations(con):
        rows: list[dict[str, Any]] = []
    else:
        columns = ", ".join(APPEALS_COLUMNS)
        rows = _rows(con, f"select {columns} from {APPEALS_MART} where month = ?", [month])
    rows.sort(key=lambda r: (r["unit_code"], _item_order(r["item"])))
    units = [
        {
            "unit_code": r["unit_code"],
            "unit_name": r["unit_name"],
            "item": r["item"],
            "upheld": _i0(r["upheld"]),
            "rejected": _i0(r["rejected"]),
            "pending": _i0(r["pending"]),
        }
        for r in rows
    ]
    return {
        "upheld": sum(u["upheld"] for u in units),
        "rejected": sum(u["rejected"] for u in units),
        "pending": sum(u["pending"] for u in units),
        # bulletin.md: `appeals.by_unit` "by unit_code then item" (the item's name as text); the
        # `units` addition keeps the rulebook's item order, as the documents print it
        "by_unit": sorted(
            ({k: u[k] for k in ("unit_code", "unit_name", "item", "upheld")} for u in units if u["upheld"]),
            key=lambda u: (u["unit_code"], u["item"]),
        ),
        "units": units,
    }


def build_bulletin(
    con: duckdb.DuckDBPyConnection, month: str, rules: BulletinRules | None = None
) -> dict[str, Any]:
    """Every figure of the bulletin for `month` (YYYY-MM), in the shape of bulletin.md's JSON.

    The ranked groups and the thresholds of the lists (`units_at_least_99`, `units_below_98`) are
    the month's rulebook version's (`rules`, read from raw.rulebook_params when not given)."""
    check_month(month)
    has_quarantine = check_relations(con)
    version, standard = _rulebook(con, month)
    rules = rules if rules is not None else read_rules(con, month)
    scores = _scores(con, month, rules)
    return {
        "month": month,
        "rulebook_version": version,
        "quarantined_rows": _quarantined(con, month, has_quarantine),
        "intake": _intake(con, month),
        "by_channel": _shares(con, "marts.fct_intake_by_channel", month),
        "by_category": _shares(con, "marts.fct_intake_by_category", month),
        "province": _province(con, month, rules),
        "rankings": scores["rankings"],
        "unranked": scores["unranked"],
        "unit_scores": scores["unit_scores"],
        "data_quality": _data_quality(con, month),
        "quality": _quality(con, month),
        "explanations": _explanations(con, month, scores["ranked_codes"]),
        "year_to_date": year_to_date(con, month, rules.ranked_groups),
        "recovery": recovery(con, month),
        "appeals": _appeals(con, month),
        # additions
        "standard": standard,
        "groups": scores["groups"],
    }
