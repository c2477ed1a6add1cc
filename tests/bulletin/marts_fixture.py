"""A small month in the marts, written by hand (tests only).

The marts are created here with exactly the columns their dbt yml documents (read from the dbt
manifest, `mart_columns`; the types are this fixture's choice: some scores/rates are DOUBLE, most
DECIMAL, to exercise both), so the bulletin code is tested against the documented interface.
tests/bulletin/test_marts_fixture.py fails when the fixture and a mart's yml disagree.

Month 2021-02: 2 counties, 2 districts, 9 departments (7 ranked with a 3-way tie at 99, 2 without
orders, 1 without due orders), a unit outside the ranked groups with province orders, province
orders with a previous month, and a stray 2021-01 row in most tables (which must be ignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipelines.bulletin.assets import REPORT_CARD_INPUTS
from pipelines.raw_tables import REFERENCE_TABLES
from pipelines.rulebook import RulebookVersion, load_rulebook
from pipelines.settings import CONFIG_DIR, DBT_PROJECT_DIR

#: the shipped publication settings
SETTINGS_PATH = CONFIG_DIR / "bulletin.yaml"
#: `dbt parse` writes it (make setup; tests/conftest.py before the session)
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
MONTH = "2021-02"
OTHER_MONTH = "2021-01"
STANDARD = "《连云港市 12345在线平台绩效评估标准（试行）》（连 12345发〔2021〕1号）"

D = "decimal(18,2)"
#: the fixture's type of each mart column, by name (the ymls document names, not types; the types
#: are this fixture's choice: most scores and rates DECIMAL, a few DOUBLE by MART_TYPE_OVERRIDES, to
#: exercise both). The columns themselves, and their order, come from the dbt manifest.
TYPED_NAMES: dict[str, str] = {
    "varchar": (
        "month score_month first_month last_month unit_code unit_name unit_group unranked_reason name "
        "item part indicator reason evidence_ids test_call_reasons order_id dispatch_level visit_result"
    ),
    "boolean": "is_ranked is_ranked_group",
    "timestamp": "received_at dispatched_at sign_deadline signed_at due_at completed_at",
    "integer": "full_marks",
    "bigint": (
        "total received_this_month carried_over direct dispatched count sort_order previous_count change "
        "supervision_count unit_count due late rated satisfied orders completed_in_month rank sign_total "
        "sign_late due_total late_total city_rated city_unsatisfied province_rated province_unsatisfied "
        "reply_findings first_response_total first_response_failed knowledge_late display_order records "
        "item_order above_average_units reply_finding_units position calls failed evaluation_year "
        "months_ranked part_order denominator good to_full upheld rejected pending"
    ),
    D: (
        "on_time_completion_rate timely_sign_rate satisfaction_rate share on_time_rate pts_timely_sign "
        "pts_on_time_completion pts_satisfaction pts_reply_standard pts_first_response pts_knowledge "
        "pts_test_calls bonus data_quality county_platform satisfaction_city_rate "
        "satisfaction_province_rate first_response_rate data_completeness content_completeness "
        "deduction_item inspection_item timeliness interface_stability integration "
        "platform_on_time_points platform_satisfaction_points points_lost average_orders rate score"
    ),
    "decimal(18,4)": "test_call_deduction",
    "decimal(18,6)": "target",
    "decimal(38,12)": "total_exact score_exact",
}
COLUMN_TYPES: dict[str, str] = {
    name: sql_type for sql_type, names in TYPED_NAMES.items() for name in names.split()
}
#: where a mart's column differs from the name's usual type
MART_TYPE_OVERRIDES: dict[tuple[str, str], str] = {
    ("fct_intake", "satisfaction_rate"): "double",
    ("fct_unit_scores", "total"): "double",
    ("fct_county_data_quality", "total"): D,
    ("fct_unit_monthly_totals", "total"): D,
    ("fct_lost_point_orders", "sign_late"): "boolean",
    ("fct_lost_point_orders", "completion_late"): "boolean",
    ("fct_lost_point_orders", "unsatisfied"): "boolean",
}
#: the marts of the fixture: every mart the bulletin and the unit report cards read
FIXTURE_MARTS: tuple[str, ...] = REPORT_CARD_INPUTS


def manifest_columns(manifest_path: Path = MANIFEST_PATH) -> dict[str, list[str]]:
    """Each dbt model's documented columns (its yml `columns:`, in order), from the manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {
        node["name"]: list(node["columns"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def mart_columns(documented: Mapping[str, list[str]] | None = None) -> dict[str, list[tuple[str, str]]]:
    """(column, type) of each fixture mart: the yml's columns, typed by COLUMN_TYPES.

    Raises KeyError naming the mart and column when a yml documents a column this fixture has no type
    for (add its name to TYPED_NAMES), or when a mart the bulletin reads has no yml columns.
    """
    documented = manifest_columns() if documented is None else documented
    columns: dict[str, list[tuple[str, str]]] = {}
    for mart in FIXTURE_MARTS:
        if not documented.get(mart):
            raise KeyError(f"marts.{mart}: no columns documented in its yml (dbt manifest)")
        typed = []
        for name in documented[mart]:
            sql_type = MART_TYPE_OVERRIDES.get((mart, name), COLUMN_TYPES.get(name))
            if sql_type is None:
                raise KeyError(
                    f"marts.{mart}.{name} (documented in its yml) has no type in "
                    "tests/bulletin/marts_fixture.py: add the name to TYPED_NAMES"
                )
            typed.append((name, sql_type))
        columns[mart] = typed
    return columns


MART_COLUMNS: dict[str, list[tuple[str, str]]] = mart_columns()

UNITS = [
    ("LYG0101", "东海县", "县区"),
    ("LYG0102", "灌云县", "县区"),
    ("LYG0201", "海州区", "区及功能板块"),
    ("LYG0202", "连云区", "区及功能板块"),
    ("LYG0301", "城建控股集团", "市级部门及单位"),
    ("LYG0302", "市人社局", "市级部门及单位"),
    ("LYG0303", "市工信局", "市级部门及单位"),
    ("LYG0304", "市住建局", "市级部门及单位"),
    ("LYG0305", "市残联", "市级部门及单位"),
    ("LYG0306", "市档案馆", "市级部门及单位"),
    ("LYG0307", "市外办", "市级部门及单位"),
    ("LYG0308", "市教育局", "市级部门及单位"),
    ("LYG0309", "万联能源集团", "市级部门及单位"),
    ("LYG0310", "市信访局", "市级部门及单位"),
    ("LYG9901", "市政务办", "不参与考评"),
]
NAMES = {code: name for code, name, _ in UNITS}
FULL_MARKS = {"县区": 150, "区及功能板块": 100, "市级部门及单位": 100}

FULL_POINTS = {
    "pts_timely_sign": 10,
    "pts_on_time_completion": 20,
    "pts_satisfaction": 25,
    "pts_reply_standard": 10,
    "pts_first_response": 10,
    "pts_knowledge": 12,
    "pts_test_calls": 12,
}

#: (unit_code, orders, total, rank, overrides) — deliberately not in ranking order
SCORES: list[tuple[str, int, float | None, int | None, dict[str, Any]]] = [
    (
        "LYG0305",
        3,
        79.0,
        7,
        {"pts_on_time_completion": 0, "on_time_completion_rate": 66.67, "due_total": 3, "late_total": 1},
    ),
    ("LYG0101", 1602, 133.41, 2, {"data_quality": 29.42, "county_platform": 18.5, "bonus": 1}),
    ("LYG0302", 40, 99.0, 2, {}),
    ("LYG0308", 60, 99.0, 2, {}),
    ("LYG0201", 9842, 87.28, 2, {"pts_on_time_completion": 7.5, "on_time_completion_rate": 87.5, "bonus": 1}),
    (
        "LYG0304",
        1358,
        80.81,
        6,
        {
            "pts_satisfaction": 11.19,
            "pts_reply_standard": 5,
            "bonus": 0.62,
            "satisfaction_city_rate": 90.38,
            "satisfaction_province_rate": 75,
            "city_rated": 364,
            "city_unsatisfied": 35,
            "province_rated": 8,
            "province_unsatisfied": 2,
            "reply_findings": 5,
        },
    ),
    ("LYG0301", 312, 99.205, 1, {"bonus": 0.21}),
    (
        "LYG0309",
        22,
        84.36,
        5,
        {
            "pts_timely_sign": 0,
            "pts_satisfaction": 20.36,
            "timely_sign_rate": 72.73,
            "satisfaction_city_rate": 85.71,
            "sign_total": 22,
            "sign_late": 6,
        },
    ),
    ("LYG0102", 1049, 138.22, 1, {"data_quality": 29.87, "county_platform": 19.35, "bonus": 1}),
    ("LYG0202", 2641, 95.21, 1, {"pts_satisfaction": 21.21, "bonus": 1}),
    ("LYG0303", 60, 99.0, 2, {}),
    ("LYG0306", 0, None, None, {"is_ranked": False, "unranked_reason": "no_orders"}),
    ("LYG0307", 2, None, None, {"is_ranked": False, "unranked_reason": "no_due_orders"}),
    ("LYG0310", 0, None, None, {"is_ranked": False, "unranked_reason": "no_orders"}),
]

EXPLANATIONS = [
    (
        "LYG0304",
        "答复规范",
        5,
        "抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为5分",
        "I-0002,I-0001",
    ),
    ("LYG0305", "按时办结率", 20, "3件应办结工单中1件超时办结，导致按时办结率得分为0分", "O-0107"),
    (
        "LYG0304",
        "回访满意率",
        13.81,
        "364件市派工单中市民评价不满意35件，8件省派工单中市民评价不满意2件，导致回访满意率得分为11.19分",
        "O-0201,O-0202",
    ),
    (
        "LYG0309",
        "回访满意率",
        4.64,
        "14件市派工单中市民评价不满意2件，导致回访满意率得分为20.36分",
        "O-0301,O-0302",
    ),
    ("LYG0309", "及时签收率", 10, "22件工单中6件超时签收，导致及时签收率得分为0分", "O-0311"),
    ("LYG0201", "按时办结率", 12.5, "80件应办结工单中10件超时办结，导致按时办结率得分为7.5分", "O-0401"),
    # not a ranked unit: must not reach the bulletin
    ("LYG0307", "按时办结率", 1, "stray", "O-0999"),
]

#: (unit_code, orders, due, late, on_time_rate, rated, satisfied, satisfaction_rate)
PROVINCE_UNITS = [
    ("LYG0304", 3, 3, 0, 100, 0, 0, None),
    ("LYG0201", 4, 3, 2, 33.33, 8, 3, 37.5),
    ("LYG0101", 6, 5, 0, 100, 4, 4, 100),
    ("LYG9901", 1, 0, 0, None, 40, 39, 97.5),
    ("LYG0202", 2, 2, 0, 100, 2, 1, 50),
    ("LYG0102", 4, 4, 1, 75, 3, 3, 100),
    ("LYG0301", 1, 1, 0, 100, 1, 1, 100),
]


def rulebook_version(effective_from: str) -> RulebookVersion:
    """A version of the shipped rulebook (config/rulebook.yaml)."""
    rulebook = load_rulebook(CONFIG_DIR / "rulebook.yaml")
    return next(v for v in rulebook.versions if v.effective_from == effective_from)


def create_marts(
    con: duckdb.DuckDBPyConnection, mart_columns: Mapping[str, list[tuple[str, str]]] = MART_COLUMNS
) -> None:
    """The fixture's marts, empty (columns from the manifest), and the rulebook's raw tables."""
    con.execute("create schema if not exists marts")
    con.execute("create schema if not exists raw")
    for table, columns in mart_columns.items():
        body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
        con.execute(f"create table marts.{table} ({body})")
    for name in ("rulebook_params", "rulebook_texts"):
        con.execute(f"create table raw.{name} ({REFERENCE_TABLES[name]})")


def insert(
    con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Mapping[str, Any]], month: str = MONTH
) -> None:
    """Insert rows (dicts) into `table` (schema-qualified, or a mart name); absent columns are null."""
    qualified = table if "." in table else f"marts.{table}"
    for row in rows:
        values = {"month": month, **row}
        names = ", ".join(f'"{k}"' for k in values)
        con.execute(
            f"insert into {qualified} ({names}) values ({', '.join('?' for _ in values)})",
            list(values.values()),
        )


def _unit_score_row(code: str, orders: int, total: float | None, rank: int | None, extra: dict) -> dict:
    group = next(g for c, _, g in UNITS if c == code)
    row = {
        "unit_code": code,
        "unit_name": NAMES[code],
        "unit_group": group,
        "full_marks": FULL_MARKS[group],
        "orders": orders,
        "completed_in_month": orders,
        "is_ranked": True,
        "unranked_reason": None,
        "rank": rank,
        **FULL_POINTS,
        "bonus": 0,
        "data_quality": None,
        "county_platform": None,
        "total": total,
        "timely_sign_rate": 100,
        "on_time_completion_rate": 100,
        "satisfaction_city_rate": 100,
        "satisfaction_province_rate": None,
        "first_response_rate": None,
        "sign_total": orders,
        "sign_late": 0,
        "due_total": orders,
        "late_total": 0,
        "city_rated": 0,
        "city_unsatisfied": 0,
        "province_rated": 0,
        "province_unsatisfied": 0,
        "reply_findings": 0,
        "first_response_total": 0,
        "first_response_failed": 0,
        "knowledge_late": 0,
        "test_call_deduction": 0,
    }
    row.update(extra)
    if not row["is_ranked"]:
        row.update(
            {
                k: None
                for k in (
                    *FULL_POINTS,
                    "bonus",
                    "timely_sign_rate",
                    "on_time_completion_rate",
                    "satisfaction_city_rate",
                )
            }
        )
    return row


def fill_month(con: duckdb.DuckDBPyConnection) -> None:
    insert(
        con,
        "dim_units",
        [
            {
                "unit_code": c,
                "unit_name": n,
                "unit_group": g,
                "full_marks": FULL_MARKS.get(g),
                "is_ranked_group": g in FULL_MARKS,
            }
            for c, n, g in UNITS
        ],
    )
    insert(
        con,
        "fct_intake",
        [
            {
                "total": 1000,
                "received_this_month": 950,
                "carried_over": 50,
                "direct": 600,
                "dispatched": 400,
                "on_time_completion_rate": 95.81,
                "timely_sign_rate": 99.79,
                "satisfaction_rate": 95.475,
            }
        ],
    )
    insert(
        con,
        "fct_intake_by_channel",
        [
            {"name": "微信", "count": 69, "share": 6.9, "sort_order": 3},
            {"name": "电话", "count": 611, "share": 61.1, "sort_order": 1},
            {"name": "邮件", "count": 0, "share": 0, "sort_order": 5},
            {"name": "省12345平台交办", "count": 20, "share": 2, "sort_order": 4},
            {"name": "监督员上报", "count": 300, "share": 30, "sort_order": 2},
        ],
    )
    insert(
        con,
        "fct_intake_by_category",
        [
            {"name": "求助", "count": 283, "share": 28.3, "sort_order": 3},
            {"name": "咨询", "count": 384, "share": 38.4, "sort_order": 1},
            {"name": "信息采集上报", "count": 333, "share": 33.3, "sort_order": 2},
            {"name": "投诉", "count": 0, "share": 0, "sort_order": 4},
        ],
    )
    insert(
        con,
        "fct_province_summary",
        [
            {
                "count": 21,
                "previous_count": 25,
                "change": -4,
                "supervision_count": 2,
                "unit_count": 7,
                "due": 18,
                "late": 3,
                "on_time_rate": 83.33,
                "rated": 58,
                "satisfied": 51,
                "satisfaction_rate": 87.93,
            }
        ],
    )
    insert(
        con,
        "fct_province_units",
        [
            {
                "unit_code": c,
                "unit_name": NAMES[c],
                "orders": o,
                "due": d,
                "late": late,
                "on_time_rate": otr,
                "rated": r,
                "satisfied": s,
                "satisfaction_rate": sr,
            }
            for c, o, d, late, otr, r, s, sr in PROVINCE_UNITS
        ],
    )
    insert(con, "fct_unit_scores", [_unit_score_row(*entry) for entry in SCORES])
    insert(
        con,
        "fct_county_data_quality",
        [
            {
                "unit_code": "LYG0102",
                "unit_name": "灌云县",
                "records": 5752,
                "data_completeness": 6.88,
                "content_completeness": 6.99,
                "deduction_item": 7,
                "inspection_item": 7,
                "timeliness": 5.99,
                "interface_stability": 5,
                "integration": 5,
                "total": 29.87,
                "platform_on_time_points": 10,
                "platform_satisfaction_points": 9.35,
                "county_platform": 19.35,
            },
            {
                "unit_code": "LYG0101",
                "unit_name": "东海县",
                "records": 10454,
                "data_completeness": 6.75,
                "content_completeness": 6.93,
                "deduction_item": 7,
                "inspection_item": 7,
                "timeliness": 5.69,
                "interface_stability": 5,
                "integration": 5,
                "total": 29.42,
                "platform_on_time_points": 9.5,
                "platform_satisfaction_points": 9,
                "county_platform": 18.5,
            },
        ],
    )
    insert(
        con,
        "fct_explanations",
        [
            {
                "unit_code": c,
                "unit_name": NAMES[c],
                "item": item,
                "points_lost": lost,
                "reason": reason,
                "evidence_ids": ids,
            }
            for c, item, lost, reason, ids in EXPLANATIONS
        ],
    )
    insert(
        con,
        "fct_quality_summary",
        [
            {"average_orders": 1264.77, "above_average_units": 3, "reply_finding_units": 2},
        ],
    )
    insert(
        con,
        "fct_quality_lowest",
        [
            {"indicator": i, "position": p, "unit_code": c, "unit_name": NAMES[c], "rate": r}
            for i, p, c, r in (
                ("satisfaction", 2, "LYG0304", 90.38),
                ("timely_sign", 3, "LYG0201", 98),
                ("on_time_completion", 1, "LYG0305", 66.67),
                ("timely_sign", 1, "LYG0309", 72.73),
                ("on_time_completion", 3, "LYG0101", 100),
                ("satisfaction", 1, "LYG0309", 85.71),
                ("timely_sign", 2, "LYG0304", 95.5),
                ("on_time_completion", 2, "LYG0201", 87.5),
            )
        ],
    )
    insert(
        con,
        "fct_unit_findings",
        [
            {
                "unit_code": "LYG0309",
                "unit_name": "万联能源集团",
                "first_response_failed": 1,
                "knowledge_late": 0,
                "test_call_deduction": 0,
                "test_call_reasons": None,
            },
            {
                "unit_code": "LYG0201",
                "unit_name": "海州区",
                "first_response_failed": 0,
                "knowledge_late": 0,
                "test_call_deduction": 0.5,
                "test_call_reasons": "缺乏沟通技巧",
            },
            {
                "unit_code": "LYG0102",
                "unit_name": "灌云县",
                "first_response_failed": 0,
                "knowledge_late": 0,
                "test_call_deduction": 1.5,
                "test_call_reasons": "服务流程不规范、缺乏沟通技巧",
            },
        ],
    )
    # every number of the shipped rulebook's version 2021-01, as the rulebook asset writes them
    insert(
        con,
        "raw.rulebook_params",
        [
            {"version": "2021-01", "item": item, "param": param, "value": value}
            for item, param, value in rulebook_version("2021-01").param_rows()
        ],
    )
    insert(con, "raw.rulebook_texts", [{"version": "2021-01", "key": "standard", "value": STANDARD}])
    fill_year_to_date(con)
    fill_recovery(con)
    fill_lost_point_orders(con)


#: the months of 2021 run by 2021-02: (score_month, unit_code, is_ranked, rank, total). The
#: 2021-02 rows repeat SCORES; 2021-01 adds a few (LYG0306 was ranked in January only).
MONTHLY_TOTALS = [
    ("2021-01", "LYG0301", True, 1, 97.2),
    ("2021-01", "LYG0305", True, 2, 81.0),
    ("2021-01", "LYG0306", True, 3, 60.0),
    ("2021-01", "LYG0102", True, 1, 140.0),
    *[("2021-02", code, total is not None, rank, total) for code, _, total, rank, _ in SCORES],
]
#: fct_year_to_date at 2021-02: (unit_code, months_ranked, first, last, score, rank, display_order),
#: deliberately not in display order
YEAR_TO_DATE = [
    ("LYG0302", 1, "2021-02", "2021-02", 99.0, 1, 2),
    ("LYG0301", 2, "2021-01", "2021-02", 98.2, 4, 4),
    ("LYG0303", 1, "2021-02", "2021-02", 99.0, 1, 1),
    ("LYG0308", 1, "2021-02", "2021-02", 99.0, 1, 3),
    ("LYG0305", 2, "2021-01", "2021-02", 80.0, 7, 7),
    ("LYG0304", 1, "2021-02", "2021-02", 80.81, 6, 6),
    ("LYG0309", 1, "2021-02", "2021-02", 84.36, 5, 5),
    ("LYG0306", 1, "2021-01", "2021-01", 60.0, 8, 8),
    ("LYG0102", 2, "2021-01", "2021-02", 139.11, 1, 1),
    ("LYG0101", 1, "2021-02", "2021-02", 133.41, 2, 2),
    ("LYG0201", 1, "2021-02", "2021-02", 87.28, 2, 2),
    ("LYG0202", 1, "2021-02", "2021-02", 95.21, 1, 1),
]
#: fct_recovery: (unit_code, item, item_order, part, part_order, n, g, target, to_full), not in order
RECOVERY = [
    ("LYG0309", "回访满意率", 3, "市派", 1, 14, 12, 95, 2),
    ("LYG0304", "回访满意率", 3, "省派", 2, 8, 6, 98, 2),
    ("LYG0304", "回访满意率", 3, "市派", 1, 364, 329, 95, 17),
    ("LYG0309", "及时签收率", 1, None, 1, 22, 16, 100, 6),
    ("LYG0201", "按时办结率", 2, None, 1, 80, 70, 95, 6),
    ("LYG0305", "按时办结率", 2, None, 1, 3, 2, 95, 1),
]


def fill_year_to_date(con: duckdb.DuckDBPyConnection) -> None:
    groups = {c: g for c, _, g in UNITS}
    insert(
        con,
        "fct_unit_monthly_totals",
        [
            {
                "score_month": month,
                "unit_code": code,
                "unit_name": NAMES[code],
                "unit_group": groups[code],
                "orders": 1,
                "is_ranked": ranked,
                "rank": rank,
                "total": total if total is not None else 0,
                "total_exact": total if total is not None else 0,
            }
            for month, code, ranked, rank, total in MONTHLY_TOTALS
        ],
    )
    insert(
        con,
        "fct_year_to_date",
        [
            {
                "evaluation_year": 2021,
                "unit_code": code,
                "unit_name": NAMES[code],
                "unit_group": groups[code],
                "months_ranked": months,
                "first_month": first,
                "last_month": last,
                "score": score,
                "score_exact": score,
                "rank": rank,
                "display_order": order,
            }
            for code, months, first, last, score, rank, order in YEAR_TO_DATE
        ],
    )


#: fct_lost_point_orders: (order_id, unit, level, dispatched, due, completed, visit, late flags)
LOST_POINT_ORDERS = [
    ("O-0201", "LYG0304", "市派", "2021-02-02 09:00", "2021-02-05 09:00", "2021-02-04 16:30", "不满意"),
    ("O-0202", "LYG0304", "省派", "2021-02-03 10:15", "2021-02-08 10:15", "2021-02-07 11:00", "不满意"),
    ("O-0107", "LYG0305", "市派", "2021-02-01 08:00", "2021-02-04 08:00", "2021-02-06 09:30", "满意"),
    # an order of LYG0304 flagged late that no explanation names: not on its card
    ("O-0299", "LYG0304", "市派", "2021-02-10 09:00", "2021-02-12 09:00", "2021-02-12 10:00", None),
]


def fill_lost_point_orders(con: duckdb.DuckDBPyConnection) -> None:
    insert(
        con,
        "fct_lost_point_orders",
        [
            {
                "unit_code": unit,
                "order_id": order_id,
                "dispatch_level": level,
                "received_at": dispatched,
                "dispatched_at": dispatched,
                "sign_deadline": dispatched,
                "signed_at": dispatched,
                "due_at": due,
                "completed_at": completed,
                "visit_result": visit,
                "sign_late": False,
                "completion_late": order_id in ("O-0107", "O-0299"),
                "unsatisfied": visit == "不满意",
            }
            for order_id, unit, level, dispatched, due, completed, visit in LOST_POINT_ORDERS
        ],
    )


def fill_recovery(con: duckdb.DuckDBPyConnection) -> None:
    insert(
        con,
        "fct_recovery",
        [
            {
                "unit_code": code,
                "unit_name": NAMES[code],
                "item": item,
                "item_order": item_order,
                "part": part,
                "part_order": part_order,
                "denominator": n,
                "good": g,
                "target": target,
                "to_full": to_full,
            }
            for code, item, item_order, part, part_order, n, g, target, to_full in RECOVERY
        ],
    )


def fill_other_month(con: duckdb.DuckDBPyConnection) -> None:
    """Stray rows of 2021-01 (different figures) that the 2021-02 bulletin must not see."""
    other = OTHER_MONTH
    insert(
        con,
        "dim_units",
        [
            {
                "unit_code": "LYG0399",
                "unit_name": "旧单位",
                "unit_group": "市级部门及单位",
                "full_marks": 100,
                "is_ranked_group": True,
            }
        ],
        month=other,
    )
    insert(
        con,
        "fct_intake",
        [{"total": 1, "received_this_month": 1, "carried_over": 0, "direct": 1, "dispatched": 0}],
        month=other,
    )
    insert(
        con,
        "fct_intake_by_channel",
        [{"name": "好差评", "count": 999, "share": 99, "sort_order": 1}],
        month=other,
    )
    insert(con, "fct_province_summary", [{"count": 25, "supervision_count": 0, "unit_count": 1}], month=other)
    insert(
        con,
        "fct_province_units",
        [{"unit_code": "LYG0399", "unit_name": "旧单位", "orders": 99, "due": 9, "late": 9}],
        month=other,
    )
    insert(con, "fct_unit_scores", [_unit_score_row("LYG0301", 1, 50.0, 1, {})], month=other)
    insert(
        con,
        "fct_explanations",
        [
            {
                "unit_code": "LYG0301",
                "unit_name": "城建控股集团",
                "item": "知识储备",
                "points_lost": 2,
                "reason": "old",
                "evidence_ids": "K-1",
            }
        ],
        month=other,
    )
    insert(
        con,
        "fct_quality_summary",
        [{"average_orders": 1, "above_average_units": 99, "reply_finding_units": 99}],
        month=other,
    )
    insert(
        con,
        "fct_quality_lowest",
        [
            {
                "indicator": "timely_sign",
                "position": 1,
                "unit_code": "LYG0301",
                "unit_name": "城建控股集团",
                "rate": 1,
            }
        ],
        month=other,
    )
    insert(
        con,
        "raw.rulebook_params",
        [{"version": "2020-01", "item": "x", "param": "y", "value": 1}],
        month=other,
    )
    insert(
        con,
        "raw.rulebook_texts",
        [{"version": "2020-01", "key": "standard", "value": "《旧标准》"}],
        month=other,
    )
    insert(
        con,
        "fct_year_to_date",
        [
            {
                "evaluation_year": 2021,
                "unit_code": "LYG0399",
                "unit_name": "旧单位",
                "unit_group": "市级部门及单位",
                "months_ranked": 1,
                "first_month": other,
                "last_month": other,
                "score": 50,
                "rank": 1,
                "display_order": 1,
            }
        ],
        month=other,
    )
    insert(
        con,
        "fct_recovery",
        [
            {
                "unit_code": "LYG0399",
                "unit_name": "旧单位",
                "item": "及时签收率",
                "item_order": 1,
                "part_order": 1,
                "denominator": 9,
                "good": 1,
                "target": 100,
                "to_full": 8,
            }
        ],
        month=other,
    )


def create_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table raw.quarantine (month varchar, input varchar, source_file varchar, "
        "source_row bigint, rule varchar)"
    )
    for month, name, row in (
        (MONTH, "orders", 3),
        (MONTH, "orders", 9),
        (MONTH, "test_calls", 2),
        (OTHER_MONTH, "orders", 1),
    ):
        con.execute(
            "insert into raw.quarantine values (?, ?, ?, ?, ?)", [month, name, f"{name}.csv", row, "rule"]
        )


def build_warehouse(
    path: Path,
    quarantine: bool = True,
    mart_columns: Mapping[str, list[tuple[str, str]]] = MART_COLUMNS,
) -> Path:
    """A DuckDB file holding the fixture month; returns its path.

    `mart_columns` (default: the manifest's) lets a test build it from another version of the ymls.
    """
    con = duckdb.connect(str(path))
    try:
        con.begin()  # one transaction: one write to disk, not one per row
        create_marts(con, mart_columns)
        fill_month(con)
        fill_other_month(con)
        if quarantine:
            create_quarantine(con)
        con.commit()
    finally:
        con.close()
    return path
