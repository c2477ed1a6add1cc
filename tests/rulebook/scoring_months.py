"""Hand-made months for the scoring tests (tests/dbt/test_scoring_*, test_ranking_*, test_explanations_*).

Each unit reproduces one worked example of rules.md (or a line of the 2021-02 bulletin). Orders
are written with explicit deadlines (no calendar needed); every order of a unit is dispatched on
the 2nd of the month, due on the 10th (or on the 10th of the next month when "not due"), signed on
the 2nd (or late on the 4th) and completed on the 9th (or late on the 12th, or never).

`built_warehouse(tmp_path_factory)` writes both months into one DuckDB file and runs one dbt build
per month; it is cached for the session so that several test modules share the same build.

Units of 2021-02 (rulebook 2021-01):

  group 市级部门及单位
    D01 万联能源集团  22 orders, 6 signed late (16/22 = 72.73 % → 0), 12/14 市派 satisfied (85.71 % → 20.36)
    D02 市住建局      372 orders completed on time; 市派 329/364, 省派 6/8 → 11.19; 5 答复规范 findings → 5
    D03 市残联        3 orders due, 1 late (66.67 % → 0)
    D04 on-time 80 %  5 due, 1 late → 5
    D05 on-time 89.82 % 167 due, 17 late (150/167) → 14.82, bonus 0.067
    D06 6/7 市派 satisfied (85.71 %) → 20.36, total 94.36
    D07, D08          99.00 ties with 3 orders each (listed by unit_code)
    D09               99.00 with 5 orders (a larger unit_code, listed first among the 99s)
    D10               275 completed orders, no loss → 99.175 → 99.18
    D11 first response 19/20 → 7.5; 2 late knowledge tasks → 8; test calls 0.5 + 1 → 10.5
    D12               no orders (本月无工单)
    D13               2 orders, none due in the month (无应办结工单)
    S01, S02          市派 satisfaction 2/3 and 1/2: 10.83 and 2.5 in 2021 (no floor), 12.5 from 2022-09
  group 区及功能板块 (ranks 1, 2, 3, 4, 4, 6)
    Q01 312 orders → 99.21; Q02 237 → 99.14; Q03 150 → 99.05; Q04 20 orders → 99; Q05 70 orders → 99;
    Q06 3 due, 1 late → 79; Q07 no orders
  group 县区
    C01 the hand-computed 数据质量 county (see COUNTY_C01 below); C02 full county-record marks
  group 不参与考评
    X01 50 orders: never scored, counted for the above-average figure

Month 2022-09 (rulebook 2022-09): S01 and S02 again (both 12.5) and D03 (unchanged: 79).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.settings import CONFIG_DIR
from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

MONTH = "2021-02"
FLOOR_MONTH = "2022-09"
RULEBOOK = CONFIG_DIR / "rulebook.yaml"
#: the scoring marts with everything upstream, and the singular test of the display macros
SCORING_MODELS = (
    "+fct_unit_scores +fct_explanations +fct_county_data_quality +fct_quality_summary "
    "+fct_quality_lowest +fct_unit_findings assert_scoring_macros"
)

UNITS: list[tuple[str, str, str]] = [
    ("C01", "一号县", "县区"),
    ("C02", "二号县", "县区"),
    ("D01", "万联能源集团", "市级部门及单位"),
    ("D02", "市住建局", "市级部门及单位"),
    ("D03", "市残联", "市级部门及单位"),
    ("D04", "按时八成局", "市级部门及单位"),
    ("D05", "按时近九成局", "市级部门及单位"),
    ("D06", "满意六七局", "市级部门及单位"),
    ("D07", "并列甲局", "市级部门及单位"),
    ("D08", "并列乙局", "市级部门及单位"),
    ("D09", "并列丙局", "市级部门及单位"),
    ("D10", "舍入局", "市级部门及单位"),
    ("D11", "抽检拨测局", "市级部门及单位"),
    ("D12", "市档案馆", "市级部门及单位"),
    ("D13", "市外办", "市级部门及单位"),
    ("S01", "三分之二局", "市级部门及单位"),
    ("S02", "二分之一局", "市级部门及单位"),
    ("Q01", "城建片区", "区及功能板块"),
    ("Q02", "交通片区", "区及功能板块"),
    ("Q03", "移动片区", "区及功能板块"),
    ("Q04", "小片区", "区及功能板块"),
    ("Q05", "大片区", "区及功能板块"),
    ("Q06", "靠后片区", "区及功能板块"),
    ("Q07", "无单片区", "区及功能板块"),
    ("X01", "不考评单位", "不参与考评"),
]
FLOOR_MONTH_UNITS = ("S01", "S02", "D03")


def _at(month: str, day: int, clock: str = "09:00:00", next_month: bool = False) -> dt.datetime:
    year, mon = int(month[:4]), int(month[5:])
    if next_month:
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return dt.datetime.fromisoformat(f"{year:04d}-{mon:02d}-{day:02d} {clock}")


def order(
    month: str,
    order_id: str,
    unit: str,
    *,
    level: str = "市派",
    sign: str = "on_time",
    due: bool = True,
    done: str | None = "on_time",
    visit: str | None = None,
) -> dict[str, Any]:
    """One dispatched order. sign: on_time | late; done: on_time | late | None (open)."""
    completed = {"on_time": _at(month, 9), "late": _at(month, 12), None: None}[done]
    return dict(
        order_id=order_id,
        received_at=_at(month, 2, "08:00:00"),
        channel="电话" if level == "市派" else "省12345平台交办",
        category="求助",
        handling="交办",
        dispatch_level=level,
        unit_code=unit,
        dispatched_at=_at(month, 2),
        sign_deadline=_at(month, 3),
        signed_at=_at(month, 2, "10:00:00") if sign == "on_time" else _at(month, 4),
        due_at=_at(month, 10, next_month=not due),
        completed_at=completed,
        visit_result=visit,
    )


def clean_orders(month: str, unit: str, count: int, start: int = 1) -> list[dict[str, Any]]:
    """`count` orders that lose nothing: signed and completed on time, due in the month, not visited."""
    return [order(month, f"{unit}-{i:03d}", unit) for i in range(start, start + count)]


def satisfaction_orders(month: str, unit: str, satisfied: int, unsatisfied: int) -> list[dict[str, Any]]:
    rows = [order(month, f"{unit}-{i:03d}", unit, visit="满意") for i in range(1, satisfied + 1)]
    rows += [
        order(month, f"{unit}-{i:03d}", unit, visit="不满意")
        for i in range(satisfied + 1, satisfied + unsatisfied + 1)
    ]
    return rows


#: D01: the late sign-ins and the 不满意 orders (ids sorted as the evidence lists them)
D01_LATE_SIGN = [3, 7, 11, 15, 19, 21]
D01_UNSATISFIED = [13, 14]


def d01_orders(month: str) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, 23):
        visit = None
        if i <= 14:
            visit = "不满意" if i in D01_UNSATISFIED else "满意"
        rows.append(
            order(month, f"D01-{i:03d}", "D01", sign="late" if i in D01_LATE_SIGN else "on_time", visit=visit)
        )
    return rows


def d02_orders(month: str) -> list[dict[str, Any]]:
    """市住建局: 364 市派 (35 不满意) + 8 省派 (2 不满意), all on time and completed in the month."""
    rows = []
    for i in range(1, 365):
        rows.append(order(month, f"D02-C{i:03d}", "D02", visit="不满意" if i > 329 else "满意"))
    for i in range(1, 9):
        rows.append(order(month, f"D02-P{i:03d}", "D02", level="省派", visit="不满意" if i > 6 else "满意"))
    return rows


def late_completion_orders(month: str, unit: str, due: int, late: int) -> list[dict[str, Any]]:
    """`due` orders due in the month, the last `late` of them completed late (in the month)."""
    return [
        order(month, f"{unit}-{i:03d}", unit, done="late" if i > due - late else "on_time")
        for i in range(1, due + 1)
    ]


def month_orders(month: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rows += d01_orders(month)
    rows += d02_orders(month)
    rows += late_completion_orders(month, "D03", due=3, late=1)
    rows += late_completion_orders(month, "D04", due=5, late=1)
    rows += late_completion_orders(month, "D05", due=167, late=17)
    rows += satisfaction_orders(month, "D06", satisfied=6, unsatisfied=1)
    rows += clean_orders(month, "D07", 3)
    rows += clean_orders(month, "D08", 3)
    rows += clean_orders(month, "D09", 5)
    rows += clean_orders(month, "D10", 275)
    rows += clean_orders(month, "D11", 1)
    rows += [order(month, f"D13-{i:03d}", "D13", due=False, done=None) for i in (1, 2)]
    rows += satisfaction_orders(month, "S01", satisfied=2, unsatisfied=1)
    rows += satisfaction_orders(month, "S02", satisfied=1, unsatisfied=1)
    rows += clean_orders(month, "Q01", 312)
    rows += clean_orders(month, "Q02", 237)
    rows += clean_orders(month, "Q03", 150)
    rows += clean_orders(month, "Q04", 20)
    rows += clean_orders(month, "Q05", 70)
    rows += late_completion_orders(month, "Q06", due=3, late=1)
    rows += clean_orders(month, "C01", 10)
    rows += clean_orders(month, "C02", 5)
    rows += clean_orders(month, "X01", 50)
    # a direct (直接办理) order is not dispatched: it belongs to no unit
    rows.append(
        dict(
            order_id="DIRECT-1",
            received_at=_at(month, 3),
            channel="电话",
            category="咨询",
            handling="直接办理",
        )
    )
    return rows


def inspections(month: str) -> list[dict[str, Any]]:
    rows = []

    def add(inspection_id: str, unit: str, item: str, passed: bool) -> None:
        rows.append(
            dict(
                inspection_id=inspection_id,
                unit_code=unit,
                inspected_at=_at(month, 15),
                item=item,
                passed=passed,
                finding=None if passed else "问题",
            )
        )

    for i in range(1, 6):  # D02: 5 答复规范 findings → 10 - 5 = 5
        add(f"INS-D02-{i}", "D02", "答复规范", False)
    add("INS-D02-6", "D02", "答复规范", True)
    for i in range(1, 20):  # D11: 首次回应 19 passed of 20 → 95 % → 10 - 0.5 × 5 = 7.5
        add(f"INS-D11-{i:02d}", "D11", "首次回应", True)
    add("INS-D11-20", "D11", "首次回应", False)
    # C01: 9 of 10 首次回应 passed (90 % → 5), one 答复规范 finding (→ 9); 2 failed in all → 工单抽检 5
    for i in range(1, 10):
        add(f"INS-C01-{i:02d}", "C01", "首次回应", True)
    add("INS-C01-10", "C01", "首次回应", False)
    add("INS-C01-11", "C01", "答复规范", False)
    return rows


def knowledge_tasks(month: str) -> list[dict[str, Any]]:
    due = _at(month, 20)
    return [
        dict(task_id="KT-D11-1", unit_code="D11", due_at=due, submitted_at=_at(month, 19)),
        dict(task_id="KT-D11-2", unit_code="D11", due_at=due, submitted_at=_at(month, 21)),  # late
        dict(task_id="KT-D11-3", unit_code="D11", due_at=due, submitted_at=None),  # never
    ]


def test_call_rows(month: str) -> list[dict[str, Any]]:
    return [
        dict(
            call_id="TC-D11-2",
            unit_code="D11",
            called_at=_at(month, 5),
            target="热线坐席",
            passed=False,
            deduction=0.5,
            reason="服务流程不规范",
        ),
        dict(
            call_id="TC-D11-1",
            unit_code="D11",
            called_at=_at(month, 6),
            target="热线坐席",
            passed=False,
            deduction=1,
            reason="缺乏沟通技巧",
        ),
        dict(
            call_id="TC-D11-3",
            unit_code="D11",
            called_at=_at(month, 7),
            target="值班电话",
            passed=True,
            deduction=0,
            reason=None,
        ),
    ]


CONTENT_15 = "市民反映小区路灯不亮影响出行"  # 14 characters …
CONTENT_15 += "啊"  # … 15: exactly the minimum (42 bytes in UTF-8: characters are counted, not bytes)
assert len(CONTENT_15) == 15
REPLY_20 = "已联系供电部门完成维修并回复市民满意结果"
REPLY_10 = "已转交相关部门处理"  # 9 characters: too short
assert len(REPLY_20) == 20 and len(REPLY_10) < 15


def county_records(month: str) -> list[dict[str, Any]]:
    """C01 (hand-computed, see COUNTY_C01) and C02 (20 complete records, 18 on time, 18/20 satisfied)."""
    updated = _at(month, 5, "10:00:00")
    rows = [
        # r1: 办理中, every required cell filled (5/5); content of exactly 15 characters; pushed 2 h later
        dict(
            record_id="C01-r1",
            county_code="C01",
            received_at=_at(month, 4),
            channel="电话",
            category="求助",
            content=CONTENT_15,
            status="办理中",
            due_at=_at(month, 20, next_month=True),
            updated_at=updated,
            pushed_at=_at(month, 5, "12:00:00"),
        ),
        # r2: 已办结, 7/7 filled, reply of 20 characters; pushed 25 h later (not timely); on time, 满意
        dict(
            record_id="C01-r2",
            county_code="C01",
            received_at=_at(month, 4),
            channel="电话",
            category="求助",
            content=CONTENT_15,
            status="已办结",
            reply=REPLY_20,
            completed_at=_at(month, 15),
            due_at=_at(month, 20),
            visit_result="满意",
            updated_at=updated,
            pushed_at=_at(month, 6, "11:00:00"),
        ),
        # r3: 已办结 without channel and completed_at (5/7 filled), reply too short; pushed exactly 24 h later
        dict(
            record_id="C01-r3",
            county_code="C01",
            received_at=_at(month, 4),
            channel=None,
            category="求助",
            content=CONTENT_15,
            status="已办结",
            reply=REPLY_10,
            completed_at=None,
            due_at=_at(month, 20, next_month=True),
            updated_at=updated,
            pushed_at=_at(month, 6, "10:00:00"),
        ),
        # r4: 办理中, off-list channel (filled), no content and no due_at (3/5 filled); pushed 1 h later
        dict(
            record_id="C01-r4",
            county_code="C01",
            received_at=_at(month, 4),
            channel="其他渠道",
            category="求助",
            content=None,
            status="办理中",
            due_at=None,
            updated_at=updated,
            pushed_at=_at(month, 5, "11:00:00"),
        ),
    ]
    for i in range(1, 21):
        rows.append(
            dict(
                record_id=f"C02-r{i:02d}",
                county_code="C02",
                received_at=_at(month, 4),
                channel="电话",
                category="咨询",
                content=CONTENT_15,
                status="已办结",
                reply=REPLY_20,
                completed_at=_at(month, 12 if i > 18 else 9),
                due_at=_at(month, 10),
                visit_result="不满意" if i > 18 else "基本满意",
                updated_at=updated,
                pushed_at=_at(month, 5, "11:00:00"),
            )
        )
    return rows


def interface_probes(month: str) -> list[dict[str, Any]]:
    """C01: 197 of 200 probes ok (98.5 % → 5 - 0.5 × 0.5 = 4.75); C02: no probes (full 5)."""
    return [
        dict(county_code="C01", probed_at=_at(month, 1 + i % 28, f"{i % 24:02d}:00:00"), ok=i > 3)
        for i in range(1, 201)
    ]


def county_assessments(month: str) -> list[dict[str, Any]]:
    """C01: integration 4, deduction 1.5 (扣分项 shown 5.5); C02 has no row (integration 0, deduction 0)."""
    return [dict(county_code="C01", integration_score=4, deduction=1.5, deduction_reason="数据推送中断")]


#: C01's 数据质量 by hand: required cells 5+7+7+5 = 24, filled 5+7+5+3 = 20 → 7 × 20/24 = 5.8333…;
#: content complete r1, r2 of 4 → 3.5; timely r1, r3, r4 of 4 → 4.5; 扣分项 7 - 1.5 = 5.5;
#: 工单抽检 7 - 2 = 5; uptime 98.5 % → 4.75; 一体化 4;
#: total 5.8333 + 3.5 + 4.5 + 4.75 + 4 - 1.5 - 2 = 19.0833… → 19.08
COUNTY_C01 = dict(
    records=4,
    data_completeness=5.83,
    content_completeness=3.5,
    deduction_item=5.5,
    inspection_item=5.0,
    timeliness=4.5,
    interface_stability=4.75,
    integration=4.0,
    total=19.08,
    platform_on_time_points=10.0,
    platform_satisfaction_points=10.0,
    county_platform=20.0,
)
#: C02: all 20 records complete and timely (7 + 7 + 6), no probes (5), no assessment row (扣分项 7,
#: 一体化 0), no inspections (7): 25. Platform: 18/20 on time = 90 % → 10 - 0.5 × 5 = 7.5;
#: 18/20 satisfied → 10 - 0.25 × 5 = 8.75; block 16.25
COUNTY_C02 = dict(
    records=20,
    data_completeness=7.0,
    content_completeness=7.0,
    deduction_item=7.0,
    inspection_item=7.0,
    timeliness=6.0,
    interface_stability=5.0,
    integration=0.0,
    total=25.0,
    platform_on_time_points=7.5,
    platform_satisfaction_points=8.75,
    county_platform=16.25,
)


def write_month(con: duckdb.DuckDBPyConnection, month: str, units: tuple[str, ...] | None = None) -> str:
    version = write_rulebook_for_month_checked(con, month)
    keep = (lambda code: True) if units is None else (lambda code: code in units)
    con.begin()
    insert_rows(
        con,
        "units",
        month,
        [dict(unit_code=c, unit_name=n, unit_group=g) for c, n, g in UNITS if keep(c)],
    )
    insert_rows(con, "orders", month, [r for r in month_orders(month) if keep(r.get("unit_code") or "")])
    if units is None:
        insert_rows(con, "inspections", month, inspections(month))
        insert_rows(con, "knowledge_tasks", month, knowledge_tasks(month))
        insert_rows(con, "test_calls", month, test_call_rows(month))
        insert_rows(con, "county_records", month, county_records(month))
        insert_rows(con, "interface_probes", month, interface_probes(month))
        insert_rows(con, "county_assessments", month, county_assessments(month))
    con.commit()
    return version


def write_rulebook_for_month_checked(con: duckdb.DuckDBPyConnection, month: str) -> str:
    from pipelines.rulebook import write_rulebook_for_month

    return write_rulebook_for_month(con, month, RULEBOOK)


_BUILT: dict[str, Path] = {}
#: dbt's output of each month's build
BUILD_OUTPUT: dict[str, str] = {}


def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse with 2021-02 and 2022-09 built by dbt (once per test session); a failing model or
    dbt test fails the build (AssertionError with dbt's output)."""
    if "scoring" not in _BUILT:
        warehouse = tmp_path_factory.mktemp("scoring") / "warehouse.duckdb"
        con = duckdb.connect(str(warehouse))
        try:
            versions = [write_month(con, MONTH), write_month(con, FLOOR_MONTH, FLOOR_MONTH_UNITS)]
        finally:
            con.close()
        assert versions == ["2021-01", "2022-09"]
        BUILD_OUTPUT[MONTH] = dbt_build(warehouse, MONTH, select=SCORING_MODELS)
        BUILD_OUTPUT[FLOOR_MONTH] = dbt_build(warehouse, FLOOR_MONTH, select=SCORING_MODELS)
        _BUILT["scoring"] = warehouse
    return _BUILT["scoring"]


def query(warehouse: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
