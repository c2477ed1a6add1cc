"""bulletin.html read back with an HTML parser: self-contained, phone-ready, figures of bulletin.json."""

from __future__ import annotations

import base64
import re

import lxml.html
import pytest

from pipelines.bulletin.charts import CHART_FILES
from pipelines.bulletin.document import Caption, Masthead, Note, Paragraph
from pipelines.bulletin.formatting import format_rate, format_table_score
from pipelines.bulletin.markdown import DATA_QUALITY_KEYS, RANKING_COLUMNS, SECTION_HEADINGS
from pipelines.contract import RANKED_GROUPS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def source(written) -> str:
    return written.html_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(source):
    return lxml.html.document_fromstring(source)


def text(element) -> str:
    return element.text_content()


def table_cells(table) -> list[list[str]]:
    return [[text(c) for c in row.xpath("./th|./td")] for row in table.xpath(".//tr")]


def test_title_header_and_sections(page, data, settings, model):
    title = model.title
    assert text(page.find(".//title")) == title
    assert text(page.find(".//h1")) == title
    assert [text(h) for h in page.iter("h2")] == list(SECTION_HEADINGS)
    assert text(page.find_class("issue")[0]) == model.of_kind(Masthead)[0].issue
    dateline = [text(s) for s in page.find_class("dateline")[0].iter("span")]
    assert dateline[0] == settings.center_name
    assert page.get("lang") == "zh-CN"


def test_paragraphs_are_the_bulletin_text(page, model, markdown):
    expected = [b.text for b in model.blocks if isinstance(b, Paragraph | Caption | Note)]
    assert all(t in markdown for t in expected)
    body = [text(p) for p in page.xpath("//main/p|//main/section/p")]
    assert body == expected


def test_ranking_tables_equal_the_json(page, data):
    tables = page.xpath("//table[@data-kind='ranking']")
    groups = [g for g in RANKED_GROUPS if data["rankings"][g]]
    assert len(tables) == len(groups)
    for table, group in zip(tables, groups, strict=True):
        cells = table_cells(table)
        assert cells[0] == list(RANKING_COLUMNS * 2)
        left = [r[:4] for r in cells[1:]]
        right = [r[4:] for r in cells[1:] if any(r[4:])]
        assert left + right == [
            [e["unit_name"], str(e["orders"]), format_table_score(e["score"]), str(e["rank"])]
            for e in data["rankings"][group]
        ]


def test_data_quality_table(page, data):
    (table,) = page.xpath("//table[@data-kind='data_quality']")
    assert table_cells(table)[1:] == [
        [r["unit_name"], str(r["records"]), *(format_table_score(r[k]) for k in DATA_QUALITY_KEYS)]
        for r in data["data_quality"]
    ]


def test_key_figures(page, data):
    figures = {
        text(li.find_class("label")[0]): text(li.find_class("value")[0])
        for li in page.find_class("figures")[0]
    }
    intake = data["intake"]
    assert figures["受理诉求"] == f"{intake['total']}件"
    assert figures["交办服务工单"] == f"{intake['dispatched']}件"
    assert figures["按时办结率"] == format_rate(intake["on_time_completion_rate"])
    assert figures["及时签收率"] == format_rate(intake["timely_sign_rate"])
    assert figures["回访满意率"] == format_rate(intake["satisfaction_rate"])
    assert figures["省派工单"] == f"{data['province']['count']}件"


def test_charts_are_inlined_pngs_identical_to_the_files(page, written, data):
    images = page.xpath("//img")
    # and one year-to-date chart per group with a year ranking (year_charts.py)
    year_charts = sum(1 for ranking in data["year_to_date"]["rankings"].values() if ranking)
    assert len(images) == len(CHART_FILES) + year_charts
    inline = {}
    for image in images:
        source = image.get("src")
        assert source.startswith("data:image/png;base64,")
        data = base64.b64decode(source.split(",", 1)[1])
        assert data.startswith(PNG_SIGNATURE)
        assert image.get("alt")
        inline[image.getparent().get("id")] = data
    files = {path.name: path.read_bytes() for path in written.chart_paths}
    for key, name in CHART_FILES.items():
        assert inline[f"chart-{key}"] == files[name]


def test_self_contained_no_network(page, source):
    assert not page.xpath("//script|//link|//iframe|//object|//embed|//video|//audio")
    for element in page.iter():
        for attribute in ("src", "href", "srcset", "poster", "data"):
            value = element.get(attribute)
            assert value is None or value.startswith("data:"), (element.tag, attribute, value[:60])
    style = "".join(text(s) for s in page.iter("style"))
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    assert not re.search(r"https?://", source)


def test_readable_on_a_phone(page):
    viewport = page.xpath("//meta[@name='viewport']")[0].get("content")
    assert "width=device-width" in viewport
    style = "".join(text(s) for s in page.iter("style"))
    assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", style)
    assert "@media (max-width" in style
    for table in page.iter("table"):
        assert "table-wrap" in table.getparent().get("class", "")
    assert re.search(r"figure img\s*\{[^}]*max-width:\s*100%", style)
