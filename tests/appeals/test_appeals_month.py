"""Upheld appeals on a hand-made month (small_month.py): each item's effect, rejected and pending
change nothing, both invalid kinds quarantined, platform rates unchanged, `reason` stays in raw."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.bulletin.xlsx_writer import SHEET_UNIT_SCORES
from tests.appeals.conftest import TwoVersions
from tests.appeals.small_month import MONTH, REASON, UNITS

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]

GROUP = "市级部门及单位"


def _unit(bulletin: dict, code: str) -> dict:
    return next(u for u in bulletin["unit_scores"] if u["unit_code"] == code)


def _explanation(bulletin: dict, code: str, item: str) -> dict | None:
    return next((e for e in bulletin["explanations"] if e["unit_code"] == code and e["item"] == item), None)


def test_upheld_appeals_change_their_units_scores_and_ranks(two_versions: TwoVersions):
    ranking = two_versions.bulletin["rankings"][GROUP]
    assert [(e["unit_code"], e["orders"], e["score"], e["rank"]) for e in ranking] == [
        ("C2", 5, 71.5, 1),  # late completion counted on time: 按时办结率 5 → 20
        ("C1", 5, 66.5, 2),  # late sign-in counted timely: 及时签收率 0 → 10
        ("C3", 5, 64.0, 3),  # a 不满意 rating left out: 回访满意率 3/4 → 15
        ("C4", 5, 59.0, 4),  # rejected and pending: nothing changes
    ]


@pytest.mark.parametrize(
    ("code", "items", "rates"),
    [
        ("C1", (10.0, 5.0, 7.5), {"timely_sign": 100, "on_time_completion": 80, "satisfaction_city": 60}),
        ("C2", (0.0, 20.0, 7.5), {"timely_sign": 80, "on_time_completion": 100, "satisfaction_city": 60}),
        ("C3", (0.0, 5.0, 15.0), {"timely_sign": 80, "on_time_completion": 80, "satisfaction_city": 75}),
        ("C4", (10.0, 5.0, 0.0), {"timely_sign": 100, "on_time_completion": 80, "satisfaction_city": 40}),
    ],
)
def test_each_item_changes_only_its_indicator(two_versions: TwoVersions, code, items, rates):
    unit = _unit(two_versions.bulletin, code)
    assert (unit["items"]["及时签收率"], unit["items"]["按时办结率"], unit["items"]["回访满意率"]) == items
    assert {k: unit["rates"][k] for k in rates} == rates


def test_platform_rates_do_not_move(two_versions: TwoVersions):
    intake = two_versions.bulletin["intake"]
    # 17/20 signed in time, 16/20 completed on time, 11/20 satisfied: as measured, appeals or not
    assert (intake["timely_sign_rate"], intake["on_time_completion_rate"], intake["satisfaction_rate"]) == (
        85,
        80,
        55,
    )
    assert intake == two_versions.first_bulletin["intake"]


def test_explanations_count_what_remains_and_drop_the_appealed_order(two_versions: TwoVersions):
    bulletin = two_versions.bulletin
    c3 = _explanation(bulletin, "C3", "回访满意率")
    assert c3["reason"] == "4件市派工单中市民评价不满意1件，导致回访满意率得分为15分"
    assert (c3["points_lost"], c3["evidence_ids"]) == (10.0, ["C3-O5"])
    assert _explanation(bulletin, "C1", "及时签收率") is None  # the only late sign-in was upheld
    assert _explanation(bulletin, "C2", "按时办结率") is None
    # rejected (回访满意率) and pending (按时办结率) appeals of C4 leave its explanations as they were
    c4_completion = _explanation(bulletin, "C4", "按时办结率")
    assert c4_completion["reason"] == "5件应办结工单中1件超时办结，导致按时办结率得分为5分"
    assert c4_completion["evidence_ids"] == ["C4-O2"]
    c4_satisfaction = _explanation(bulletin, "C4", "回访满意率")
    assert c4_satisfaction["reason"] == "5件市派工单中市民评价不满意3件，导致回访满意率得分为0分"
    assert c4_satisfaction["evidence_ids"] == ["C4-O3", "C4-O4", "C4-O5"]


def test_appeals_key_counts_an_order_and_item_once(two_versions: TwoVersions):
    appeals = two_versions.bulletin["appeals"]
    assert (appeals["upheld"], appeals["rejected"], appeals["pending"]) == (3, 1, 1)
    assert appeals["by_unit"] == [
        {"unit_code": "C1", "unit_name": UNITS["C1"], "item": "及时签收率", "upheld": 1},
        {"unit_code": "C2", "unit_name": UNITS["C2"], "item": "按时办结率", "upheld": 1},
        {"unit_code": "C3", "unit_name": UNITS["C3"], "item": "回访满意率", "upheld": 1},
    ]


def test_invalid_appeals_are_quarantined_with_their_rule(two_versions: TwoVersions):
    con = duckdb.connect(str(two_versions.settings.warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "select json_extract_string(row_json, '$.appeal_id'), rule from raw.quarantine "
            "where month = ? and input = 'appeals' order by 1",
            [MONTH],
        ).fetchall()
        staged = con.execute("select appeal_id from staging.stg_appeals where month = ? order by 1", [MONTH])
        staged_ids = [r[0] for r in staged.fetchall()]
    finally:
        con.close()
    assert rows == [("A07", "order_id.dispatched_to_unit"), ("A08", "item.applies_to_order")]
    assert staged_ids == ["A01", "A02", "A03", "A04", "A05", "A06"]
    assert two_versions.bulletin["quarantined_rows"]["appeals"] == 2


def test_bulletin_states_the_appeals_after_the_rankings(two_versions: TwoVersions):
    text = (two_versions.month_dir / "bulletin.md").read_text(encoding="utf-8")
    sentence = "本月受理申诉5件，通过3件。"
    assert text.count(sentence) == 1
    assert text.index("市交通局") < text.index(sentence) < text.index("## 二、")
    first = (two_versions.settings.output_dir / MONTH / "versions" / "1" / "bulletin.md").read_text("utf-8")
    assert "本月受理申诉5件，通过2件。" in first


def test_xlsx_shows_each_units_appeals_on_its_row(two_versions: TwoVersions):
    sheet = load_workbook(two_versions.month_dir / "bulletin.xlsx")[SHEET_UNIT_SCORES]
    header = [c.value for c in sheet[1]]
    column = header.index("申诉")
    codes = header.index("单位编码")
    found = {row[codes]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert found == {
        "C1": "及时签收率通过1件",
        "C2": "按时办结率通过1件",
        "C3": "回访满意率通过1件",
        "C4": "按时办结率待审核1件；回访满意率不通过1件",
    }


def test_the_reason_never_leaves_raw(two_versions: TwoVersions):
    settings = two_versions.settings
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        stored = con.execute("select distinct reason from raw.appeals where month = ?", [MONTH]).fetchall()
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema not in ('raw', 'information_schema', 'pg_catalog', 'main') "
            "and data_type = 'VARCHAR'"
        ).fetchall()
        leaks = [
            f"{schema}.{table}.{column}"
            for schema, table, column in text_columns
            if con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" like ?', ["%拒绝评价%"]
            ).fetchone()[0]
        ]
        quarantine = con.execute("select string_agg(row_json, ' ') from raw.quarantine").fetchone()[0]
    finally:
        con.close()
    # stored in raw only, its phone number masked
    assert stored == [(REASON.replace("13700001111", "***********"),)]
    assert leaks == []
    assert "拒绝评价" not in quarantine and "reason" not in quarantine
    needle, phone = "拒绝评价".encode(), b"13700001111"
    for folder in (settings.output_dir, settings.dagster_home):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert needle not in data and phone not in data, path


def test_appeals_raw_asset_and_reconciliation(two_versions: TwoVersions):
    instance = dg.DagsterInstance.from_config(str(two_versions.settings.dagster_home))
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(["raw", "appeals"]), asset_partitions=[MONTH]), limit=1
    ).records
    metadata = records[0].asset_materialization.metadata
    assert metadata["rows_read"].value == 8 and metadata["source_file"].value.endswith("appeals.csv")
    evaluations = {
        f"{e.asset_key.to_user_string()}:{e.check_name}": e
        for entry in instance.all_logs(
            two_versions.second.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
        if (e := entry.dagster_event.event_specific_data) is not None
    }
    reconciliation = evaluations["raw/quarantine:reconciliation"]
    assert reconciliation.passed
    assert reconciliation.metadata["reconciliation"].value["appeals"] == {
        "rows_read": 8,
        "rows_accepted": 6,
        "rows_quarantined": 2,
        "holds": True,
    }
    contract = evaluations["raw/appeals:contract"]
    assert contract.metadata["rule_counts"].value == {
        "order_id.dispatched_to_unit": 1,
        "item.applies_to_order": 1,
    }
