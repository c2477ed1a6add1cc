"""The figures of each ranked unit's report card (bulletin.md "Each unit's report card").

`unit_cards(bulletin, lost_point_orders)` gathers, for every unit of `unit_scores` (the ranked
units), what its card prints: score, rank and group; each handling item's indicator (numerator /
denominator), points, full points and points lost with the reason; the evidence behind each lost
point (orders with their times from `marts.fct_lost_point_orders`, other ids as listed by the
explanations); `to_full` (bulletin.json's `recovery`); its year-to-date entry. Every figure comes
from the bulletin dict (bulletin.json) or the mart; nothing is recomputed but the numerators the
dict holds as denominator and misses (on-time = due − late). No phone, no content: the mart has
neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.bulletin.formatting import round2

#: handling items whose evidence ids are orders (the others: inspections, knowledge tasks, test calls)
ORDER_ITEMS = ("及时签收率", "按时办结率", "回访满意率")
EVIDENCE_KINDS = {
    "答复规范": "抽检记录",
    "首次回应率": "抽检记录",
    "知识储备": "知识库任务",
    "实例拨测": "拨测记录",
}
#: evidence ids a card lists per item (a unit with thousands of late orders gets the first ones and
#: a note; the full lists are in bulletin.json and bulletin.xlsx)
EVIDENCE_SHOWN = 200
LOST_POINT_ORDER_COLUMNS = (
    "unit_code",
    "order_id",
    "dispatch_level",
    "received_at",
    "dispatched_at",
    "sign_deadline",
    "signed_at",
    "due_at",
    "completed_at",
    "visit_result",
)


@dataclass(frozen=True)
class ItemLine:
    """One handling item of a card."""

    item: str
    #: the indicator's numerator and denominator per part (`""` for a one-part item; 回访满意率 has
    #: `市派` and `省派`); count items (答复规范, 知识储备) have none
    fractions: tuple[tuple[str, int, int, float | None], ...]
    #: count items: the count (findings, late tasks) or the deduction sum (实例拨测)
    count: float | None
    points: float
    full_points: float
    points_lost: float
    reason: str
    evidence_ids: tuple[str, ...]


@dataclass(frozen=True)
class UnitCard:
    month: str
    unit_code: str
    unit_name: str
    group: str
    full_marks: float | None
    orders: int
    total: float
    rank: int
    ranked_in_group: int
    items: tuple[ItemLine, ...]
    bonus: float | None
    data_quality: float | None
    county_platform: float | None
    recovery: tuple[dict[str, Any], ...]
    #: order id → its times (only orders behind a lost point)
    orders_behind: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the unit's entry of bulletin.json's year_to_date ranking (None when absent)
    year_entry: dict[str, Any] | None = None
    year_ranked_in_group: int = 0
    #: the unit's appeals per item (bulletin.json `appeals.units`: upheld, rejected, pending)
    appeals: tuple[dict[str, Any], ...] = ()


def shown_evidence(ids: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The evidence ids a card lists for one item: the first EVIDENCE_SHOWN, by id (all are in
    bulletin.json's explanations and bulletin.xlsx)."""
    return tuple(ids[:EVIDENCE_SHOWN])


def read_lost_point_orders(
    con: duckdb.DuckDBPyConnection, month: str, order_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """order_id → its row of marts.fct_lost_point_orders for `month`, for the given orders only
    (a province-sized month has hundreds of thousands of late orders; a card lists a few)."""
    if not order_ids:
        return {}
    cursor = con.execute(
        f"select {', '.join(LOST_POINT_ORDER_COLUMNS)} from marts.fct_lost_point_orders "
        "where month = ? and order_id in (select unnest(?::varchar[]))",
        [month, sorted(set(order_ids))],
    )
    return {row[1]: dict(zip(LOST_POINT_ORDER_COLUMNS, row, strict=True)) for row in cursor.fetchall()}


def evidence_order_ids(bulletin: dict[str, Any]) -> list[str]:
    """The order ids the month's cards list (ORDER_ITEMS, at most EVIDENCE_SHOWN per unit and item)."""
    ranked = {u["unit_code"] for u in bulletin["unit_scores"]}
    return [
        order_id
        for e in bulletin["explanations"]
        if e["item"] in ORDER_ITEMS and e["unit_code"] in ranked
        for order_id in shown_evidence(e["evidence_ids"])
    ]


def _fractions(unit: dict[str, Any], item: str) -> tuple[tuple[str, int, int, float | None], ...]:
    counts, rates = unit["counts"], unit["rates"]
    if item == "及时签收率":
        n = counts["sign_total"]
        return (("", n - counts["sign_late"], n, rates["timely_sign"]),)
    if item == "按时办结率":
        n = counts["due_total"]
        return (("", n - counts["late_total"], n, rates["on_time_completion"]),)
    if item == "回访满意率":
        city, province = counts["city_rated"], counts["province_rated"]
        return (
            ("市派", city - counts["city_unsatisfied"], city, rates["satisfaction_city"]),
            ("省派", province - counts["province_unsatisfied"], province, rates["satisfaction_province"]),
        )
    if item == "首次回应率":
        n = counts["first_response_total"]
        return (("", n - counts["first_response_failed"], n, rates.get("first_response")),)
    return ()


def _count(unit: dict[str, Any], item: str) -> float | None:
    if item == "答复规范":
        return unit["counts"]["reply_findings"]
    if item == "知识储备":
        return unit["counts"]["knowledge_late"]
    if item == "实例拨测":
        return unit["test_call_deduction"]
    return None


def _items(unit: dict[str, Any], explanations: dict[str, dict[str, Any]]) -> tuple[ItemLine, ...]:
    lines = []
    for item, points in unit["items"].items():
        explanation = explanations.get(item)
        lost = explanation["points_lost"] if explanation else 0.0
        lines.append(
            ItemLine(
                item=item,
                fractions=_fractions(unit, item),
                count=_count(unit, item),
                points=points,
                # the item's weight: its points plus what it lost (both exact to 2 decimals)
                full_points=float(round2(points) + round2(lost)),
                points_lost=lost,
                reason=explanation["reason"] if explanation else "",
                evidence_ids=tuple(explanation["evidence_ids"]) if explanation else (),
            )
        )
    return tuple(lines)


def _appeals(bulletin: dict[str, Any], unit_code: str) -> tuple[dict[str, Any], ...]:
    """The unit's appeals per item: bulletin.json's `appeals.units` rows of the unit (`item`,
    `upheld`, `rejected`, `pending`), in the bulletin's item order; empty without appeals."""
    appeals = bulletin.get("appeals") or {}
    return tuple(row for row in appeals.get("units", []) if row.get("unit_code") == unit_code)


def unit_cards(bulletin: dict[str, Any], lost_point_orders: dict[str, dict[str, Any]]) -> list[UnitCard]:
    """A card per ranked unit (bulletin.json's `unit_scores`), by unit_code."""
    by_unit: dict[str, dict[str, dict[str, Any]]] = {}
    for explanation in bulletin["explanations"]:
        by_unit.setdefault(explanation["unit_code"], {})[explanation["item"]] = explanation
    recovery: dict[str, list[dict[str, Any]]] = {}
    for row in bulletin.get("recovery", []):
        recovery.setdefault(row["unit_code"], []).append(row)
    year = bulletin.get("year_to_date") or {"rankings": {}}
    cards = []
    for unit in sorted(bulletin["unit_scores"], key=lambda u: u["unit_code"]):
        code, group = unit["unit_code"], unit["group"]
        explanations = by_unit.get(code, {})
        behind = {
            order_id: lost_point_orders[order_id]
            for item in ORDER_ITEMS
            for order_id in shown_evidence((explanations.get(item) or {}).get("evidence_ids", []))
            if order_id in lost_point_orders
        }
        year_group = year["rankings"].get(group, [])
        year_entry = next((e for e in year_group if e["unit_code"] == code), None)
        cards.append(
            UnitCard(
                month=bulletin["month"],
                unit_code=code,
                unit_name=unit["unit_name"],
                group=group,
                full_marks=unit.get("full_marks"),
                orders=unit.get("orders", 0),
                total=unit["total"],
                rank=unit["rank"],
                ranked_in_group=len(bulletin["rankings"].get(group, [])),
                items=_items(unit, explanations),
                bonus=unit["bonus"],
                data_quality=unit["data_quality"],
                county_platform=unit["county_platform"],
                recovery=tuple(recovery.get(code, [])),
                orders_behind=behind,
                year_entry=year_entry,
                year_ranked_in_group=len(year_group),
                appeals=_appeals(bulletin, code),
            )
        )
    return cards


def format_time(value: dt.datetime | None) -> str:
    """`2021-02-03 09:00` (minutes; seconds are noise on a card), `—` when empty."""
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M")
