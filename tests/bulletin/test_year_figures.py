"""bulletin.json's `year_to_date` and `recovery` on the hand-made marts of marts_fixture.py:
shape (bulletin.md "Added keys"), order, types, and that another month's rows stay out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.bulletin import build_bulletin
from tests.bulletin.marts_fixture import MONTH


@pytest.fixture(scope="module")
def data(warehouse_template: Path) -> dict[str, Any]:
    with duckdb.connect(str(warehouse_template), read_only=True) as con:
        # through JSON, as the file is read
        return json.loads(json.dumps(build_bulletin(con, MONTH), ensure_ascii=False))


def test_year_to_date_shape_and_months(data):
    ytd = data["year_to_date"]
    assert ytd["year"] == 2021
    # every month of the year run by 2021-02, in order
    assert ytd["months"] == ["2021-01", "2021-02"]
    assert list(ytd["rankings"]) == ["县区", "区及功能板块", "市级部门及单位"]
    entry = ytd["rankings"]["县区"][0]
    assert {k: entry[k] for k in ("unit_code", "unit_name", "months_ranked", "score", "rank")} == {
        "unit_code": "LYG0102",
        "unit_name": "灌云县",
        "months_ranked": 2,
        "score": 139.11,
        "rank": 1,
    }
    assert type(entry["score"]) is float
    assert type(entry["rank"]) is int and type(entry["months_ranked"]) is int
    # additions: its monthly totals (ranked months only)
    assert entry["monthly"] == [
        {"month": "2021-01", "score": 140.0, "rank": 1},
        {"month": "2021-02", "score": 138.22, "rank": 1},
    ]


def test_year_to_date_order_follows_the_mart(data):
    departments = data["year_to_date"]["rankings"]["市级部门及单位"]
    # display_order: the three 99s share rank 1; the stray 2021-01 unit LYG0399 is not read
    assert [(e["unit_code"], e["rank"]) for e in departments] == [
        ("LYG0303", 1),
        ("LYG0302", 1),
        ("LYG0308", 1),
        ("LYG0301", 4),
        ("LYG0309", 5),
        ("LYG0304", 6),
        ("LYG0305", 7),
        ("LYG0306", 8),
    ]
    # LYG0306 had no orders in 2021-02: still in the year's ranking, January only
    last = departments[-1]
    assert (last["months_ranked"], last["first_month"], last["last_month"]) == (1, "2021-01", "2021-01")
    assert last["monthly"] == [{"month": "2021-01", "score": 60.0, "rank": 3}]
    districts = data["year_to_date"]["rankings"]["区及功能板块"]
    assert [e["unit_code"] for e in districts] == ["LYG0202", "LYG0201"]


def test_recovery_rows_and_order(data):
    rows = data["recovery"]
    # by unit_code, then the item's name as text (bulletin.md), 市派 before 省派; 2021-01's row is not read
    got = [(r["unit_code"], r["item"], r["part"], r["denominator"], r["good"], r["to_full"]) for r in rows]
    assert got == [
        ("LYG0201", "按时办结率", None, 80, 70, 6),
        ("LYG0304", "回访满意率", "市派", 364, 329, 17),
        ("LYG0304", "回访满意率", "省派", 8, 6, 2),
        ("LYG0305", "按时办结率", None, 3, 2, 1),
        ("LYG0309", "及时签收率", None, 22, 16, 6),
        ("LYG0309", "回访满意率", "市派", 14, 12, 2),
    ]
    spec_keys = {"unit_code", "item", "part", "denominator", "good", "to_full"}
    assert set(rows[0]) == spec_keys | {"unit_name", "target"}
    assert all(type(r["to_full"]) is int and type(r["target"]) is float for r in rows)


def test_recovery_items_are_ordered_by_name_not_by_the_rulebook():
    """bulletin.md: `recovery` "by unit_code then item": 回访满意率 sorts before 按时办结率 as text,
    although the rulebook lists 按时办结率 first (item_order 2 against 3)."""
    from pipelines.bulletin.year_figures import recovery

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_recovery (month varchar, unit_code varchar, unit_name varchar, item varchar,"
        " item_order bigint, part varchar, part_order bigint, denominator bigint, good bigint,"
        " target decimal(18,6), to_full bigint)"
    )
    con.execute(
        "insert into marts.fct_recovery values"
        " ('2021-02', 'U1', '甲', '按时办结率', 2, null, 1, 20, 15, 95, 4),"
        " ('2021-02', 'U1', '甲', '回访满意率', 3, '省派', 2, 10, 9, 98, 1),"
        " ('2021-02', 'U1', '甲', '回访满意率', 3, '市派', 1, 40, 36, 95, 2),"
        " ('2021-02', 'U0', '乙', '首次回应率', 5, null, 1, 4, 3, 100, 1)"
    )
    rows = recovery(con, "2021-02")
    assert [(r["unit_code"], r["item"], r["part"], r["to_full"]) for r in rows] == [
        ("U0", "首次回应率", None, 1),
        ("U1", "回访满意率", "市派", 2),
        ("U1", "回访满意率", "省派", 1),
        ("U1", "按时办结率", None, 4),
    ]
