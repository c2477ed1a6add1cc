"""Report cards (bulletin.md "Each unit's report card") composed and rendered from the hand-made
month of tests/bulletin/marts_fixture.py; figures hand-computed from that fixture.

市住建局 (LYG0304): 80.81, rank 6 of the 7 ranked departments; 回访满意率 11.19 of 25 (市派 329/364,
省派 6/8), 答复规范 5 of 10 (5 findings), bonus 0.62; to_full 17 (市派) and 2 (省派); year to date
80.81, rank 6 of 8, ranked in February only.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.bulletin.card_figures import unit_cards
from pipelines.bulletin.config import load_settings
from pipelines.bulletin.document import Caption, ChartRef, Heading, Note, Paragraph, Table
from pipelines.bulletin.report_card import compose_report_card
from pipelines.bulletin.report_cards import CardFigures, read_card_figures, render_card, write_cards
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH

CODE = "LYG0304"


@pytest.fixture(scope="module")
def figures(documents_warehouse: Path):
    with duckdb.connect(str(documents_warehouse), read_only=True) as con:
        return read_card_figures(con, MONTH)


@pytest.fixture(scope="module")
def card(figures):
    return next(c for c in figures.cards if c.unit_code == CODE)


@pytest.fixture(scope="module")
def document(card, figures):
    return compose_report_card(card, figures.bulletin["year_to_date"], load_settings(SETTINGS_PATH))


def tables(document) -> list[Table]:
    return document.of_kind(Table)


def test_a_card_per_ranked_unit(figures):
    assert [c.unit_code for c in figures.cards] == sorted(
        u["unit_code"] for u in figures.bulletin["unit_scores"]
    )
    assert "LYG0306" not in {c.unit_code for c in figures.cards}  # no orders: not ranked, no card


def test_score_rank_and_group(card, document):
    assert (card.total, card.rank, card.ranked_in_group, card.group) == (80.81, 6, 7, "市级部门及单位")
    assert document.title == "市住建局 2021年 2月份绩效考评明细"
    summary = document.of_kind(Paragraph)[0].text
    assert summary.startswith("市住建局 2021年 2月份交办工单 1358件，考评得分 80.81分（满分 100分），")
    assert "在市各部门及单位中排名第 6名（共 7家）。本月共有 2项考评项目失分，合计失分 18.81分。" in summary


def test_items_with_indicator_points_and_losses(document):
    rows = {row[0]: row for row in tables(document)[0].rows}
    assert tables(document)[0].header == ("考评项目", "得分", "满分", "失分", "指标（达标/应计）")
    assert rows["回访满意率"] == (
        "回访满意率",
        "11.19",
        "25",
        "13.81",
        "市派 329/364（90.38%）；省派 6/8（75%）",
    )
    assert rows["答复规范"] == ("答复规范", "5", "10", "5", "不规范 5件")
    assert rows["及时签收率"] == ("及时签收率", "10", "10", "0", "1358/1358（100%）")
    assert rows["工作量加分"] == ("工作量加分", "0.62", "", "", "")
    assert rows["合计"] == ("合计", "80.81", "100", "", "")
    reasons = [p.text for p in document.of_kind(Paragraph) if p.style == "item"]
    assert reasons == [
        "（1）回访满意率失分 13.81分。364件市派工单中市民评价不满意35件，8件省派工单中市民评价不满意2件，"
        "导致回访满意率得分为11.19分。",
        "（2）答复规范失分 5分。抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为5分。",
    ]


def test_to_full(document):
    recovery = tables(document)[1]
    assert recovery.rows == (
        ("回访满意率", "市派", "364", "329", "95%", "17件"),
        ("回访满意率", "省派", "8", "6", "98%", "2件"),
    )
    texts = [p.text for p in document.of_kind(Paragraph)]
    assert "回访满意率市派：本月应计 364件，达标 329件，需再有 17件达标方可得满分；" in "".join(texts)


def test_orders_behind_lost_points_with_their_times(document):
    captions = [c.text for c in document.of_kind(Caption)]
    assert "回访满意率失分工单（2件）" in captions
    orders = tables(document)[2]
    assert orders.header == ("工单编号", "派单级别", "交办时间", "办结时限", "办结时间", "回访结果")
    assert orders.rows == (
        ("O-0201", "市派", "2021-02-02 09:00", "2021-02-05 09:00", "2021-02-04 16:30", "不满意"),
        ("O-0202", "省派", "2021-02-03 10:15", "2021-02-08 10:15", "2021-02-07 11:00", "不满意"),
    )
    # O-0299 is flagged late but no explanation names it
    assert all("O-0299" not in cell for t in tables(document) for row in t.rows for cell in row)
    assert "答复规范：抽检记录 2条，编号 I-0001、I-0002。" in [p.text for p in document.of_kind(Paragraph)]


def test_year_to_date_and_chart(document):
    texts = [p.text for p in document.of_kind(Paragraph)]
    assert (
        "2021年 1—2月（已考评 2个月），本单位参与排名 1个月，年度累计得分 80.81分（各月总分的平均值），"
        "在市各部门及单位中排名第 6名（共 8家）。"
    ) in texts
    assert tables(document)[-1].rows == (("1月", "未排名", "—"), ("2月", "80.81", "6"))
    assert [c.key for c in document.of_kind(ChartRef)] == ["monthly_totals"]


def test_rendered_files(card, figures):
    html, docx = render_card(card, figures.bulletin, load_settings(SETTINGS_PATH))
    page = html.decode("utf-8")
    assert 'name="viewport"' in page and '<img src="data:image/png;base64,' in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        assert "市住建局" in body and "O-0201" in body and "17件" in body
        assert any(name.startswith("word/media/") for name in archive.namelist())


def test_written_folder_and_index(figures, tmp_path: Path):
    written = write_cards(figures, tmp_path, SETTINGS_PATH)
    codes = sorted(u["unit_code"] for u in figures.bulletin["unit_scores"])
    assert written.count == len(codes) == 11
    assert sorted(p.name for p in written.directory.iterdir()) == sorted(
        [f"{c}.{ext}" for c in codes for ext in ("html", "docx")] + ["index.html"]
    )
    index = written.index_path.read_text(encoding="utf-8")
    for code in codes:
        assert f'href="{code}.html"' in index and f'href="{code}.docx"' in index
    # a re-run where only one unit is ranked: the other units' cards go, the index lists one
    only = CardFigures(figures.bulletin, figures.cards[:1])
    again = write_cards(only, tmp_path, SETTINGS_PATH)
    assert sorted(p.name for p in again.directory.iterdir()) == sorted(
        [f"{codes[0]}.html", f"{codes[0]}.docx", "index.html"]
    )


def test_a_long_evidence_list_is_cut_with_a_note(card, figures, monkeypatch):
    import pipelines.bulletin.card_figures as card_figures

    monkeypatch.setattr(card_figures, "EVIDENCE_SHOWN", 1)
    document = compose_report_card(card, figures.bulletin["year_to_date"], load_settings(SETTINGS_PATH))
    orders = tables(document)[2]
    assert [row[0] for row in orders.rows] == ["O-0201"]
    notes = [n.text for n in document.of_kind(Note)]
    assert "注：共 2条，此处列出编号最小的 1条；完整编号见 bulletin.xlsx 的“扣分说明”工作表。" in notes
    assert "答复规范：抽检记录 2条，编号 I-0001。" in [p.text for p in document.of_kind(Paragraph)]


def test_the_units_appeals(figures):
    """bulletin.json `appeals.units` (issue 12): 市住建局 had 2 回访满意率 appeals upheld, 1 rejected."""
    appeals = {
        "upheld": 2,
        "rejected": 1,
        "pending": 0,
        "by_unit": [{"unit_code": CODE, "unit_name": "市住建局", "item": "回访满意率", "upheld": 2}],
        "units": [
            {
                "unit_code": CODE,
                "unit_name": "市住建局",
                "item": "回访满意率",
                "upheld": 2,
                "rejected": 1,
                "pending": 0,
            },
            {
                "unit_code": "LYG0305",
                "unit_name": "市残联",
                "item": "按时办结率",
                "upheld": 0,
                "rejected": 1,
                "pending": 0,
            },
        ],
    }
    bulletin = {**figures.bulletin, "appeals": appeals}
    card = next(c for c in unit_cards(bulletin, {}) if c.unit_code == CODE)
    document = compose_report_card(
        card, bulletin["year_to_date"], load_settings(SETTINGS_PATH), with_appeals=True
    )
    headings = [h.text for h in document.of_kind(Heading)]
    assert headings == [
        "一、考评得分",
        "二、整改目标",
        "三、申诉情况",
        "四、失分工单明细",
        "五、年度累计情况",
    ]
    (table,) = [t for t in tables(document) if t.header[0] == "申诉项目"]
    assert table.rows == (("回访满意率", "2", "1", "0"),)
    assert "本月申诉通过 2件，未通过 1件。" in " ".join(p.text for p in document.of_kind(Paragraph))
