"""The document model on its own: any Document (a unit's report card as much as the bulletin)
renders to Markdown, Word and the web page with the same blocks in the same order."""

from __future__ import annotations

import base64
import datetime as dt
import io

import lxml.html
import pytest
from docx import Document as WordDocument
from PIL import Image

from pipelines.bulletin.charts import Chart
from pipelines.bulletin.document import (
    Caption,
    ChartRef,
    Document,
    DocumentInfo,
    Heading,
    Note,
    Paragraph,
    Table,
    Title,
    item,
    numbered,
)
from pipelines.bulletin.docx_writer import render_docx
from pipelines.bulletin.html_writer import render_html
from pipelines.bulletin.markdown import render_document_markdown


def _png(width: int = 40, height: int = 20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (47, 95, 152)).save(buffer, format="PNG")
    return buffer.getvalue()


CHART = Chart("monthly", "monthly.png", "市住建局 2021年逐月得分", _png(), ("2021年1月",), 40, 20)

CARD = Document(
    info=DocumentInfo(
        title="市住建局 2021年 2月考评明细", author="市 12345 政府公共服务中心", date=dt.date(2021, 3, 15)
    ),
    blocks=(
        Title("市住建局 2021年 2月考评明细", ("市住建局 2021年 2月考评明细",)),
        Paragraph("得分 80.81分，排名第 6名（市级部门及单位）。"),
        Heading("一、考评项目得分"),
        numbered("1. 回访满意率：11.19分，失分 13.81分。"),
        item("（1）市派。364件中 35件不满意。"),
        Caption("考评项目得分表"),
        Table(
            header=("考评项目", "得分", "失分"),
            rows=(("及时签收率", "10.00", "0.00"), ("回访满意率", "11.19", "13.81")),
            numeric=(False, True, True),
        ),
        Note("注：失分依据工单见附表。"),
        Heading("二、本年得分", level=1),
        Heading("逐月得分", level=2),
        ChartRef("monthly", "逐月得分"),
    ),
)


def test_markdown_of_any_document():
    text = render_document_markdown(CARD)
    assert text.split("\n\n") == [
        "# 市住建局 2021年 2月考评明细",
        "得分 80.81分，排名第 6名（市级部门及单位）。",
        "## 一、考评项目得分",
        "1. 回访满意率：11.19分，失分 13.81分。",
        "（1）市派。364件中 35件不满意。",
        "**考评项目得分表**",
        "| 考评项目 | 得分 | 失分 |\n| --- | ---: | ---: |\n"
        "| 及时签收率 | 10.00 | 0.00 |\n| 回访满意率 | 11.19 | 13.81 |",
        "注：失分依据工单见附表。",
        "## 二、本年得分",
        "### 逐月得分\n",
    ]


def test_web_page_of_any_document():
    page = lxml.html.document_fromstring(render_html(CARD, [CHART]))
    assert page.findtext(".//title") == CARD.title
    sections = page.xpath("//section")
    assert [s.findtext("h2") for s in sections] == ["一、考评项目得分", "二、本年得分"]
    assert sections[0].xpath(".//span[@class='lead']/text()") == ["1. 回访满意率：", "（1）市派。"]
    assert [[c.text_content() for c in r.xpath("./td")] for r in sections[0].xpath(".//tbody/tr")] == [
        ["及时签收率", "10.00", "0.00"],
        ["回访满意率", "11.19", "13.81"],
    ]
    assert sections[1].findtext("h3") == "逐月得分"
    (image,) = sections[1].xpath(".//figure[@id='chart-monthly']/img")
    assert base64.b64decode(image.get("src").split(",", 1)[1]) == CHART.png
    # a chart the document refers to but that is not given is left out, not a broken image
    assert not lxml.html.document_fromstring(render_html(CARD)).xpath("//img")


@pytest.mark.parametrize("charts", [(), (CHART,)])
def test_word_file_of_any_document(charts):
    document = WordDocument(io.BytesIO(render_docx(CARD, charts)))
    texts = [p.text for p in document.paragraphs]
    assert texts[:5] == [
        "市住建局 2021年 2月考评明细",
        "得分 80.81分，排名第 6名（市级部门及单位）。",
        "一、考评项目得分",
        "1. 回访满意率：11.19分，失分 13.81分。",
        "（1）市派。364件中 35件不满意。",
    ]
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[1] == ["及时签收率", "10.00", "0.00"]
    assert len(document.inline_shapes) == len(charts)
    if charts:
        assert CHART.title in texts
    assert document.core_properties.title == CARD.title
