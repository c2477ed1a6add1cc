"""write_bulletin on the hand-made month of marts_fixture.py: the JSON shape, figures, orders, text."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.bulletin import (
    BulletinDataError,
    build_bulletin,
    load_settings,
    render_markdown,
    write_bulletin,
)
from pipelines.bulletin.markdown import SECTION_HEADINGS
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH

#: what a month's folder holds (the documents of tests/documents beside the JSON and Markdown)
BULLETIN_FILES = ["bulletin.docx", "bulletin.html", "bulletin.json", "bulletin.md", "bulletin.xlsx", "charts"]

# Every key path of the JSON example in bulletin.md ("Files"), written out by hand from it.
# `x[]` means: x is a list, and the rest of the path holds for each of its elements.
SPEC_KEY_PATHS = [
    "month",
    "rulebook_version",
    "quarantined_rows.orders",
    "intake.total",
    "intake.received_this_month",
    "intake.carried_over",
    "intake.direct",
    "intake.dispatched",
    "intake.on_time_completion_rate",
    "intake.timely_sign_rate",
    "intake.satisfaction_rate",
    "by_channel[].name",
    "by_channel[].count",
    "by_channel[].share",
    "by_category[].name",
    "by_category[].count",
    "by_category[].share",
    "province.count",
    "province.previous_count",
    "province.change",
    "province.supervision_count",
    "province.unit_count",
    "province.top_units[].unit_name",
    "province.top_units[].count",
    "province.on_time_rate",
    "province.units_all_on_time[]",
    "province.units_late[].unit_name",
    "province.units_late[].late",
    "province.satisfaction_rate",
    "province.units_full_satisfaction[]",
    "province.units_below_98[].unit_name",
    "province.units_below_98[].rate",
    "rankings.县区[].unit_code",
    "rankings.县区[].unit_name",
    "rankings.县区[].orders",
    "rankings.县区[].score",
    "rankings.县区[].rank",
    "rankings.区及功能板块[]",
    "rankings.市级部门及单位[]",
    "unranked.no_orders[]",
    "unranked.no_due_orders[]",
    "unit_scores[].unit_code",
    "unit_scores[].unit_name",
    "unit_scores[].group",
    "unit_scores[].items.及时签收率",
    "unit_scores[].items.按时办结率",
    "unit_scores[].items.回访满意率",
    "unit_scores[].items.答复规范",
    "unit_scores[].items.首次回应率",
    "unit_scores[].items.知识储备",
    "unit_scores[].items.实例拨测",
    "unit_scores[].bonus",
    "unit_scores[].data_quality",
    "unit_scores[].county_platform",
    "unit_scores[].total",
    "unit_scores[].rates.timely_sign",
    "unit_scores[].rates.on_time_completion",
    "unit_scores[].rates.satisfaction_city",
    "unit_scores[].rates.satisfaction_province",
    "data_quality[].unit_name",
    "data_quality[].records",
    "data_quality[].数据完整",
    "data_quality[].内容完整",
    "data_quality[].扣分项",
    "data_quality[].工单抽检",
    "data_quality[].数据及时",
    "data_quality[].接口稳定性",
    "data_quality[].一体化建设",
    "data_quality[].数据质量总分",
    "quality.above_average_units",
    "quality.lowest_timely_sign[].unit_name",
    "quality.lowest_timely_sign[].rate",
    "quality.lowest_on_time_completion[]",
    "quality.lowest_satisfaction[]",
    "quality.reply_finding_units",
    "quality.first_response_failed_units[]",
    "quality.knowledge_late_units",
    "quality.test_call_deductions[].unit_name",
    "quality.test_call_deductions[].deduction",
    "quality.test_call_deductions[].reasons",
    "explanations[].unit_code",
    "explanations[].item",
    "explanations[].points_lost",
    "explanations[].reason",
    "explanations[].evidence_ids",
]


def resolve(document: Any, path: str) -> list[Any]:
    """Values at `path`; fails naming the first missing key (a `[]` list must be non-empty here)."""
    values = [document]
    for segment in path.split("."):
        key, is_list = (segment[:-2], True) if segment.endswith("[]") else (segment, False)
        next_values = []
        for value in values:
            assert isinstance(value, dict) and key in value, f"{path}: missing key {key!r}"
            item = value[key]
            if is_list:
                assert isinstance(item, list) and item, f"{path}: {key} is not a non-empty list"
                next_values += item
            else:
                next_values.append(item)
        values = next_values
    return values


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bulletin") / "output"


@pytest.fixture(scope="module")
def files(warehouse_template: Path, output_dir: Path):
    """The fixture month's bulletin, written once for the read-only tests of this module."""
    with duckdb.connect(str(warehouse_template), read_only=True) as con:
        return write_bulletin(con, MONTH, output_dir, SETTINGS_PATH)


@pytest.fixture(scope="module")
def data(files) -> dict[str, Any]:
    return json.loads(files.json_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def markdown(files) -> str:
    return files.markdown_path.read_text(encoding="utf-8")


def paragraphs(markdown: str) -> list[str]:
    return markdown.rstrip("\n").split("\n\n")


# ---------------------------------------------------------------------------------------------
# files and shape


def test_files_are_written_under_the_month(files, output_dir: Path):
    assert files.directory == output_dir / MONTH
    assert files.json_path == files.directory / "bulletin.json"
    assert files.markdown_path == files.directory / "bulletin.md"
    assert sorted(p.name for p in files.directory.iterdir()) == BULLETIN_FILES
    text = files.json_path.read_text(encoding="utf-8")
    assert "城建控股集团" in text  # ensure_ascii=False
    assert text.startswith('{\n  "month": "2021-02"')  # indent 2
    assert json.loads(text) == files.bulletin


def test_every_key_path_of_the_spec_exists(data):
    for path in SPEC_KEY_PATHS:
        resolve(data, path)


def test_number_types(files, data):
    def walk(value: Any) -> None:
        assert not isinstance(value, Decimal)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(files.bulletin)
    ints = [
        "intake.total",
        "intake.dispatched",
        "province.count",
        "rankings.县区[].orders",
        "rankings.县区[].rank",
        "data_quality[].records",
        "quality.above_average_units",
        "quarantined_rows.orders",
    ]
    floats = [
        "intake.on_time_completion_rate",
        "intake.satisfaction_rate",
        "by_channel[].share",
        "rankings.县区[].score",
        "unit_scores[].items.及时签收率",
        "unit_scores[].total",
        "data_quality[].扣分项",
        "explanations[].points_lost",
        "quality.test_call_deductions[].deduction",
    ]
    for path in ints:
        assert all(type(v) is int for v in resolve(data, path)), path
    for path in floats:
        assert all(type(v) is float for v in resolve(data, path)), path
    assert data["unit_scores"][0]["items"]["及时签收率"] == 10.0


def test_no_personal_data(files):
    text = files.json_path.read_text(encoding="utf-8") + files.markdown_path.read_text(encoding="utf-8")
    for word in ("phone", "content", "caller"):
        assert word not in text


# ---------------------------------------------------------------------------------------------
# figures (hand-computed from marts_fixture.py)


def test_header_figures(data):
    assert data["month"] == "2021-02"
    assert data["rulebook_version"] == "2021-01"
    assert data["standard"] == "《连云港市 12345在线平台绩效评估标准（试行）》（连 12345发〔2021〕1号）"
    assert data["quarantined_rows"] == {
        "units": 0,
        "orders": 2,
        "inspections": 0,
        "test_calls": 1,
        "knowledge_tasks": 0,
        "county_records": 0,
        "interface_probes": 0,
        "county_assessments": 0,
        "appeals": 0,
    }


def test_intake(data):
    assert data["intake"] == {
        "total": 1000,
        "received_this_month": 950,
        "carried_over": 50,
        "direct": 600,
        "dispatched": 400,
        "on_time_completion_rate": 95.81,
        "timely_sign_rate": 99.79,
        "satisfaction_rate": 95.48,  # stored as DOUBLE 95.475: decimal rounding gives .48, not .47
    }
    assert data["by_channel"] == [
        {"name": "电话", "count": 611, "share": 61.1},
        {"name": "监督员上报", "count": 300, "share": 30.0},
        {"name": "微信", "count": 69, "share": 6.9},
        {"name": "省12345平台交办", "count": 20, "share": 2.0},
    ]  # 邮件 (0) left out
    assert [c["name"] for c in data["by_category"]] == ["咨询", "信息采集上报", "求助"]


def test_province(data):
    p = data["province"]
    assert (p["count"], p["previous_count"], p["change"], p["supervision_count"], p["unit_count"]) == (
        21,
        25,
        -4,
        2,
        7,
    )
    assert [(u["unit_name"], u["count"]) for u in p["top_units"]] == [
        ("东海县", 6),
        ("灌云县", 4),
        ("海州区", 4),
        ("市住建局", 3),
        ("连云区", 2),
    ]  # 4 = 4: unit_code decides
    assert p["on_time_rate"] == 83.33
    assert p["units_all_on_time"] == ["东海县", "连云区", "城建控股集团", "市住建局"]  # by unit_code
    assert [(u["unit_name"], u["late"]) for u in p["units_late"]] == [("海州区", 2), ("灌云县", 1)]
    assert p["satisfaction_rate"] == 87.93
    assert p["units_full_satisfaction"] == ["东海县", "灌云县", "城建控股集团"]  # not 市住建局: none rated
    assert [(u["unit_name"], u["rate"]) for u in p["units_below_98"]] == [
        ("海州区", 37.5),
        ("连云区", 50.0),
        ("市政务办", 97.5),
    ]  # a unit outside the ranked groups counts too


def test_rankings_and_unranked(data):
    def ranking(group):
        return [(u["unit_name"], u["orders"], u["score"], u["rank"]) for u in data["rankings"][group]]

    assert ranking("县区") == [("灌云县", 1049, 138.22, 1), ("东海县", 1602, 133.41, 2)]
    assert ranking("区及功能板块") == [("连云区", 2641, 95.21, 1), ("海州区", 9842, 87.28, 2)]
    assert ranking("市级部门及单位") == [
        ("城建控股集团", 312, 99.21, 1),  # DOUBLE 99.205 → 99.21
        ("市工信局", 60, 99.0, 2),  # ties at 99: orders, most first …
        ("市教育局", 60, 99.0, 2),  # … then unit_code (LYG0303 < LYG0308)
        ("市人社局", 40, 99.0, 2),
        ("万联能源集团", 22, 84.36, 5),
        ("市住建局", 1358, 80.81, 6),
        ("市残联", 3, 79.0, 7),
    ]
    assert data["unranked"] == {"no_orders": ["市档案馆", "市信访局"], "no_due_orders": ["市外办"]}
    department = data["groups"]["市级部门及单位"]
    assert (department["unit_count"], department["ranked_count"], department["full_marks"]) == (10, 7, 100.0)
    assert department["units_at_least_99"] == ["城建控股集团", "市工信局", "市教育局", "市人社局"]
    assert [u["unit_name"] for u in department["lowest_units"]] == ["市残联", "市住建局", "万联能源集团"]
    assert data["groups"]["县区"]["full_marks"] == 150.0


def test_unit_scores(data):
    codes = [u["unit_code"] for u in data["unit_scores"]]
    assert codes == sorted(codes) and len(codes) == 11  # ranked units only, by unit_code
    assert "LYG0306" not in codes and "LYG9901" not in codes
    housing = next(u for u in data["unit_scores"] if u["unit_name"] == "市住建局")
    assert housing["group"] == "市级部门及单位"
    assert housing["items"]["回访满意率"] == 11.19 and housing["items"]["答复规范"] == 5.0
    assert housing["rates"] == {
        "timely_sign": 100.0,
        "on_time_completion": 100.0,
        "satisfaction_city": 90.38,
        "satisfaction_province": 75.0,
        "first_response": None,
    }
    assert housing["data_quality"] is None and housing["county_platform"] is None
    county = next(u for u in data["unit_scores"] if u["unit_name"] == "东海县")
    assert (county["data_quality"], county["county_platform"], county["total"]) == (29.42, 18.5, 133.41)


def test_data_quality_and_quality(data):
    assert [
        (r["unit_name"], r["records"], r["数据完整"], r["扣分项"], r["数据质量总分"])
        for r in data["data_quality"]
    ] == [
        ("东海县", 10454, 6.75, 7.0, 29.42),
        ("灌云县", 5752, 6.88, 7.0, 29.87),
    ]
    q = data["quality"]
    assert q["above_average_units"] == 3 and q["reply_finding_units"] == 2
    assert [(u["unit_name"], u["rate"]) for u in q["lowest_timely_sign"]] == [
        ("万联能源集团", 72.73),
        ("市住建局", 95.5),
        ("海州区", 98.0),
    ]
    assert [u["unit_name"] for u in q["lowest_on_time_completion"]] == ["市残联", "海州区", "东海县"]
    assert [u["unit_name"] for u in q["lowest_satisfaction"]] == ["万联能源集团", "市住建局"]
    assert q["first_response_failed_units"] == [
        {"unit_code": "LYG0309", "unit_name": "万联能源集团", "failed": 1}
    ]
    assert q["knowledge_late_units"] == []
    assert q["test_call_deductions"] == [
        {
            "unit_code": "LYG0102",
            "unit_name": "灌云县",
            "deduction": 1.5,
            "reasons": ["服务流程不规范", "缺乏沟通技巧"],
        },
        {"unit_code": "LYG0201", "unit_name": "海州区", "deduction": 0.5, "reasons": ["缺乏沟通技巧"]},
    ]


def test_explanations(data):
    assert [(e["unit_code"], e["item"]) for e in data["explanations"]] == [
        ("LYG0201", "按时办结率"),
        ("LYG0304", "回访满意率"),  # item order of the rulebook, not insertion order
        ("LYG0304", "答复规范"),
        ("LYG0305", "按时办结率"),
        ("LYG0309", "及时签收率"),
        ("LYG0309", "回访满意率"),
    ]  # LYG0307 (not ranked) is left out
    first = data["explanations"][2]
    assert first["points_lost"] == 5.0 and first["evidence_ids"] == ["I-0001", "I-0002"]


def test_other_months_rows_are_ignored(files):
    text = files.json_path.read_text(encoding="utf-8") + files.markdown_path.read_text(encoding="utf-8")
    for stray in ("旧单位", "好差评", "旧标准", "old", "2020-01"):
        assert stray not in text


# ---------------------------------------------------------------------------------------------
# Markdown


def test_header_and_opening(markdown):
    blocks = paragraphs(markdown)
    assert blocks[:4] == [
        "2021年第 4 期",
        "连云港市 12345 政府公共服务中心\u3000\u30002021年 3月 15日",
        "# 2021年 2月份市 12345在线平台绩效考评情况通报",
        "市 12345 政府公共服务中心依据《连云港市 12345在线平台绩效评估标准（试行）》（连 12345发〔2021〕1号）"
        "有关要求，对市各成员单位 12345工作进行综合评价，现将 2月份绩效考评有关情况通报如下：",
    ]


def test_sections_in_order(markdown):
    positions = [markdown.index(f"## {heading}\n") for heading in SECTION_HEADINGS]
    assert positions == sorted(positions)
    subsections = [
        "1. 各县、赣榆区（",
        "2. 各区、功能板块（",
        "3. 市各部门及单位（",
        "1. 诉求受理情况：",
        "2. 诉求分类情况：",
        "按受理类别分：",
        "1. 诉求受理情况：2月份，省",
        "2. 诉求处办情况：",
        "（1）按时办结率。",
        "（2）回访满意率。",
        "1. 各县、赣榆区数据质量情况：",
        "2. 办件质效情况：",
        "（4）答复规范。",
        "（5）首次回应率。",
        "3. 其他指标情况",
        "（1）知识储备。",
        "（2）实例拨测。",
    ]
    cursor = 0
    for start in subsections:
        cursor = markdown.index(start, cursor)


def test_group_sentences(markdown):
    blocks = paragraphs(markdown)
    assert (
        "1. 各县、赣榆区（共 2家，满分为 150分）：2月份，灌云县考评得分为 138.22分，东海县 133.41分。"
        in blocks
    )
    assert (
        "2. 各区、功能板块（共 2家，满分为 100分）：2月份，连云区考评得分为 95.21分，海州区 87.28分。"
        in blocks
    )
    assert (
        "3. 市各部门及单位（共 10家，满分为 100分）：本月市各成员单位中，考评得分在 99分以上的单位共有"
        "城建控股集团、市工信局等 4家，无群众诉求的单位共有 2家，无应办结工单的单位有 1家。"
    ) in blocks


def test_ranking_table_layout(markdown):
    caption = "**市各部门及单位工单数量、考评得分及排名表**"
    table = paragraphs(markdown)[paragraphs(markdown).index(caption) + 1]
    assert table.split("\n") == [
        "| 单位 | 总工单数 | 得分 | 排名 | 单位 | 总工单数 | 得分 | 排名 |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
        # 7 units: ceil(7/2) = 4 top-down on the left, the other 3 on the right
        "| 城建控股集团 | 312 | 99.21 | 1 | 万联能源集团 | 22 | 84.36 | 5 |",
        "| 市工信局 | 60 | 99.00 | 2 | 市住建局 | 1358 | 80.81 | 6 |",
        "| 市教育局 | 60 | 99.00 | 2 | 市残联 | 3 | 79.00 | 7 |",
        "| 市人社局 | 40 | 99.00 | 2 |  |  |  |  |",
    ]
    county = paragraphs(markdown)[
        paragraphs(markdown).index("**各县、赣榆区承办工单数量、考评得分及排名表**") + 1
    ]
    assert county.split("\n")[2:] == ["| 灌云县 | 1049 | 138.22 | 1 | 东海县 | 1602 | 133.41 | 2 |"]


def test_lowest_three_paragraph_from_the_explanations(markdown):
    assert (
        "本月市残联 79分，市住建局 80.81分，万联能源集团 84.36分排名靠后。"
        "市残联 3件应办结工单中 1件超时办结，导致按时办结率得分为 0分；"
        "市住建局 364件市派工单中市民评价不满意 35件，8件省派工单中市民评价不满意 2件，"
        "导致回访满意率得分为 11.19分。"
        "抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为 5分；"
        "万联能源集团 22件工单中 6件超时签收，导致及时签收率得分为 0分。"
        "14件市派工单中市民评价不满意 2件，导致回访满意率得分为 20.36分。"
        "上述三家单位应提高重视程度，进一步提升诉求办理质效。"
    ) in paragraphs(markdown)


def test_no_orders_note_follows_the_department_table(markdown):
    blocks = paragraphs(markdown)
    note = "注：市档案馆、市信访局共 2家单位本月无工单。市外办本月无应办结工单。"
    assert note in blocks
    assert blocks.index(note) == blocks.index("**市各部门及单位工单数量、考评得分及排名表**") + 2
    assert markdown.count("注：") == 1  # the other groups have no unranked units


def test_intake_section(markdown):
    blocks = paragraphs(markdown)
    assert (
        "1. 诉求受理情况：2月份，市 12345在线平台共受理各类诉求 1000件。其中，当月受理 950件，上月结转 50件。"
        "市 12345在线平台通过查询知识库、三方通话等方式直接办理 600件，交办服务工单 400件，"
        "按时办结率 95.81%，及时签收率 99.79%，回访满意率 95.48%。"
        "另有 3条报送数据不符合数据规范，已隔离核查，未纳入统计。"
    ) in blocks
    assert (
        "2. 诉求分类情况：按受理来源分，2月份，市 12345在线平台电话受理 611件，占工单总数的 61.1%；"
        "监督员上报 300件，占总数的 30%；微信 69件，占总数的 6.9%；省 12345平台交办 20件，占总数的 2%。"
    ) in blocks
    assert (
        "按受理类别分：咨询类 384件，占总数的 38.4%；信息采集上报问题 333件，占总数的 33.3%；"
        "求助类 283件，占总数的 28.3%。"
    ) in blocks


def test_province_section(markdown):
    blocks = paragraphs(markdown)
    assert (
        "1. 诉求受理情况：2月份，省 12345平台交办工单 21件，较上月减少 4件。"
        "其中，国务院\u201c互联网+督查\u201d交办单 2件。"
    ) in blocks
    assert (
        "2. 诉求处办情况：2月份，承办省派工单的成员单位共 7家，"
        "工单数量较多的单位有东海县 6件、灌云县 4件、海州区 4件、市住建局 3件、连云区 2件。"
    ) in blocks
    assert (
        "（1）按时办结率。省派工单按时办结率 83.33%。东海县、连云区、城建控股集团等 4家单位均为 100%。"
        "有 2家单位存在未按时办结情况，分别为海州区 2件、灌云县 1件。"
    ) in blocks
    assert (
        "（2）回访满意率。省派工单回访满意率 87.93%。东海县、灌云县、城建控股集团 3家单位为 100%，"
        "回访满意率低于 98%的有 3家单位，分别为海州区 37.5%、连云区 50%、市政务办 97.5%。"
    ) in blocks


def test_indicator_section(markdown):
    blocks = paragraphs(markdown)
    assert "1. 各县、赣榆区数据质量情况：2月份，东海县数据质量得分为 29.42分；灌云县 29.87分。" in blocks
    table = blocks[blocks.index("**各县、赣榆区数据质量得分情况**") + 1].split("\n")
    assert table[0] == (
        "| 县区 | 工单总数 | 数据完整得分 | 内容完整得分 | 扣分项得分 | 工单抽检得分 | 数据及时得分 "
        "| 接口稳定性得分 | 一体化建设得分 | 数据质量总分 |"
    )
    assert table[2:] == [
        "| 东海县 | 10454 | 6.75 | 6.93 | 7.00 | 7.00 | 5.69 | 5.00 | 5.00 | 29.42 |",
        "| 灌云县 | 5752 | 6.88 | 6.99 | 7.00 | 7.00 | 5.99 | 5.00 | 5.00 | 29.87 |",
    ]
    for sentence in (
        "2. 办件质效情况：2月份，市 12345在线平台办件质效总体情况较好，承办量在平均水平以上的单位共有 3家，"
        "但个别单位仍存在一些问题。",
        "（1）及时签收率。最低的单位为万联能源集团 72.73%，其他较低的单位有市住建局 95.5%、海州区 98%。",
        "（2）按时办结率。最低的单位为市残联 66.67%，其他较低的单位有海州区 87.5%。",  # 东海县 100% not named
        "（3）回访满意率。最低的单位为万联能源集团 85.71%，其他较低的单位有市住建局 90.38%。",
        "（4）答复规范。经抽查，本月存在工单办理情况答复不规范问题的单位共有 2家。",
        "（5）首次回应率。经抽查，本月未在规定时间内联系服务对象的单位有万联能源集团 1件。",
        "（1）知识储备。本月无未及时填报知识库内容的单位。",
        "（2）实例拨测。本月实例拨测出现扣分情况的单位有灌云县、海州区，扣分点主要集中在服务流程不规范、缺乏沟通技巧等。",
    ):
        assert sentence in blocks, sentence


def test_spacing_rule_in_running_text(markdown):
    text = "\n".join(b for b in paragraphs(markdown) if not b.startswith("|"))
    assert not re.search(r"[\u4e00-\u9fff]\d", text)


# ---------------------------------------------------------------------------------------------
# other cases


def test_previous_month_absent(con: duckdb.DuckDBPyConnection, settings_path: Path):
    con.execute(
        "update marts.fct_province_summary set previous_count = null, change = null where month = ?", [MONTH]
    )
    bulletin = build_bulletin(con, MONTH)
    assert bulletin["province"]["previous_count"] is None and bulletin["province"]["change"] is None
    text = render_markdown(bulletin, load_settings(settings_path))
    assert (
        "1. 诉求受理情况：2月份，省 12345平台交办工单 21件，因系统中无 1月份工单数据，暂不与上月比较。"
        in text
    )
    assert "较上月" not in text


def test_empty_lists_read_naturally(con: duckdb.DuckDBPyConnection, settings_path: Path):
    con.execute("delete from marts.fct_unit_findings")
    con.execute("update marts.fct_quality_summary set reply_finding_units = 0")
    con.execute("update marts.fct_province_units set late = 0")
    con.execute(
        "update marts.fct_province_summary set supervision_count = 0, change = 3, previous_count = 18"
    )
    text = render_markdown(build_bulletin(con, MONTH), load_settings(settings_path))
    for sentence in (
        "较上月增加 3件。其中，无国务院\u201c互联网+督查\u201d交办单。",
        "各单位均按时办结。",
        "（4）答复规范。经抽查，本月无存在工单办理情况答复不规范问题的单位。",
        "（5）首次回应率。经抽查，本月无未在规定时间内联系服务对象的单位。",
        "（2）实例拨测。本月实例拨测未发现扣分情况。",
    ):
        assert sentence in text, sentence


def test_without_quarantine_table_every_input_counts_zero(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, settings_path: Path
):
    con.execute("drop table raw.quarantine")
    files = write_bulletin(con, MONTH, tmp_path / "out", settings_path)
    counts = files.bulletin["quarantined_rows"]
    assert counts["orders"] == 0 and set(counts.values()) == {0} and len(counts) == 9
    assert "未纳入统计" not in files.markdown_path.read_text(encoding="utf-8")


def test_missing_mart_is_named_and_old_files_survive(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, settings_path: Path
):
    files = write_bulletin(con, MONTH, tmp_path / "out", settings_path)
    before = (files.json_path.read_bytes(), files.markdown_path.read_bytes())
    con.execute("drop table marts.fct_quality_lowest")
    con.execute("alter table marts.fct_intake drop column timely_sign_rate")
    with pytest.raises(BulletinDataError) as error:
        write_bulletin(con, MONTH, files.directory.parent, settings_path)
    assert "marts.fct_quality_lowest does not exist" in str(error.value)
    assert "marts.fct_intake lacks column(s) timely_sign_rate" in str(error.value)
    assert (files.json_path.read_bytes(), files.markdown_path.read_bytes()) == before
    assert sorted(p.name for p in files.directory.iterdir()) == BULLETIN_FILES


def test_month_without_marts_rows(con: duckdb.DuckDBPyConnection, tmp_path: Path, settings_path: Path):
    with pytest.raises(BulletinDataError, match="rulebook"):
        write_bulletin(con, "2021-03", tmp_path / "out", settings_path)
    assert not (tmp_path / "out" / "2021-03").exists()
    with pytest.raises(ValueError, match="YYYY-MM"):
        build_bulletin(con, "2021-2")


def test_quiet_month_still_renders(con: duckdb.DuckDBPyConnection, settings_path: Path):
    """Nothing ranked, no province orders, no county data, nothing below 100 %: natural sentences."""
    for table in (
        "fct_unit_scores",
        "fct_province_units",
        "fct_county_data_quality",
        "fct_explanations",
        "fct_intake_by_channel",
        "fct_intake_by_category",
        "fct_unit_monthly_totals",
        "fct_year_to_date",
        "fct_recovery",
    ):
        con.execute(f"delete from marts.{table}")
    con.execute(
        "update marts.fct_province_summary set count = 0, unit_count = 0, on_time_rate = null, "
        "satisfaction_rate = null, previous_count = 0, change = 0"
    )
    con.execute("update marts.fct_quality_lowest set rate = 100")
    bulletin = build_bulletin(con, MONTH)
    assert bulletin["rankings"] == {"县区": [], "区及功能板块": [], "市级部门及单位": []}
    assert bulletin["unit_scores"] == [] and bulletin["province"]["top_units"] == []
    text = render_markdown(bulletin, load_settings(settings_path))
    for sentence in (
        "1. 各县、赣榆区（共 2家，满分为 150分）：本月无参与排名的单位。",
        "3. 市各部门及单位（共 10家，满分为 100分）：本月市各成员单位中，无考评得分在 99分以上的单位。",
        "2. 诉求分类情况：2月份，市 12345在线平台未受理诉求。",
        "省 12345平台交办工单 0件，与上月持平。",
        "2. 诉求处办情况：本月无省派工单。",
        "1. 各县、赣榆区数据质量情况：本月无县区数据质量得分。",
        "（1）及时签收率。各单位及时签收率均为 100%。",
    ):
        assert sentence in text, sentence
    assert "排名靠后" not in text and "|" not in text


def test_duty_phone_clause_of_section_four_three(con: duckdb.DuckDBPyConnection, settings_path: Path):
    """四.3 (2) ends with the duty-phone calls as the published bulletin does: none failed → the
    published clause; failures → the units and their failed calls; no duty call → no clause."""
    settings = load_settings(settings_path)
    lead = (
        "（2）实例拨测。本月实例拨测出现扣分情况的单位有灌云县、海州区，"
        "扣分点主要集中在服务流程不规范、缺乏沟通技巧等"
    )
    rows = [("LYG0302", "市人社局", 2, 0), ("LYG0101", "东海县", 3, 0), ("LYG0309", "万联能源集团", 1, 0)]
    for code, name, calls, failed in rows:
        con.execute(
            "insert into marts.fct_duty_phone_calls values (?, ?, ?, ?, ?)",
            [MONTH, code, name, calls, failed],
        )
    bulletin = build_bulletin(con, MONTH)
    assert bulletin["quality"]["duty_calls"] == {"calls": 6, "failed_units": []}
    text = render_markdown(bulletin, settings)
    assert f"{lead}；成员单位值班电话实例拨测未发现存在接听服务不规范的单位。" in text

    con.execute("update marts.fct_duty_phone_calls set failed = 1 where unit_code in ('LYG0302', 'LYG0309')")
    con.execute("update marts.fct_duty_phone_calls set failed = 2 where unit_code = 'LYG0309'")
    bulletin = build_bulletin(con, MONTH)
    assert bulletin["quality"]["duty_calls"]["failed_units"] == [
        {"unit_code": "LYG0302", "unit_name": "市人社局", "failed": 1},
        {"unit_code": "LYG0309", "unit_name": "万联能源集团", "failed": 2},
    ]
    text = render_markdown(bulletin, settings)
    failed = "成员单位值班电话实例拨测发现市人社局 1次、万联能源集团 2次存在接听服务不规范情况。"
    assert f"{lead}；{failed}" in text

    con.execute("delete from marts.fct_unit_findings")
    text = render_markdown(build_bulletin(con, MONTH), settings)
    assert (
        "（2）实例拨测。本月实例拨测未发现扣分情况；成员单位值班电话实例拨测发现市人社局 1次、"
        "万联能源集团 2次存在接听服务不规范情况。"
    ) in text
