"""bulletin.docx read back with python-docx: its text, tables and figures are bulletin.json's."""

from __future__ import annotations

from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipelines.bulletin.compose import data_quality_header
from pipelines.bulletin.document import Masthead, Table, Title
from pipelines.bulletin.docx_writer import (
    FONT_BODY,
    FONT_HEADING,
    FONT_SUBHEADING,
    FONT_TITLE,
    STYLE_CAPTION,
    STYLE_HEADING,
    STYLE_NOTE,
    STYLE_TITLE,
)
from pipelines.bulletin.formatting import format_rate, format_table_score
from pipelines.bulletin.markdown import (
    DATA_QUALITY_KEYS,
    RANKING_COLUMNS,
    SECTION_HEADINGS,
)
from pipelines.contract import RANKED_GROUPS


@pytest.fixture(scope="module")
def document(written):
    return Document(str(written.docx_path))


@pytest.fixture(scope="module")
def content(document) -> list[Paragraph | DocxTable]:
    return list(document.iter_inner_content())


def cells(table: DocxTable) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_after(content: list[Paragraph | DocxTable], caption: str) -> DocxTable:
    for i, item in enumerate(content):
        if isinstance(item, Paragraph) and item.text == caption:
            following = content[i + 1]
            assert isinstance(following, DocxTable), f"no table after {caption}"
            return following
    raise AssertionError(f"caption {caption!r} not in the document")


def unfold_ranking(rows: list[list[str]]) -> list[list[str]]:
    """The units of an eight-column table in ranking order: left half top-down, then right half."""
    left = [r[:4] for r in rows]
    right = [r[4:] for r in rows if any(r[4:])]
    return left + right


def test_every_block_of_the_bulletin_text_in_order(content, model):
    """Paragraphs and tables in the document model's order, with its words (bulletin.md's)."""
    expected = []
    for block in model.blocks:
        if isinstance(block, Masthead):
            expected.append(("p", block.issue))
            expected.append(("p", f"{block.issuer}\t{block.date}"))
        elif isinstance(block, Title):
            expected.append(("p", "\n".join(block.lines)))
        elif isinstance(block, Table):
            expected.append(("t", [list(block.header), *map(list, block.rows)]))
        elif hasattr(block, "text") and not hasattr(block, "key"):
            expected.append(("p", block.text))
    actual = [("t", cells(i)) if isinstance(i, DocxTable) else ("p", i.text) for i in content]
    assert actual == expected


def test_header_title_and_sections(document, data, settings):
    paragraphs = document.paragraphs
    month = data["month"]
    assert paragraphs[0].text == f"{settings.issue_year(month)}年第 {settings.issue_number(month)} 期"
    date = settings.publication_date(month)
    assert paragraphs[1].text == f"{settings.center_name}\t{date.year}年 {date.month}月 {date.day}日"
    titles = [p.text.replace("\n", "") for p in paragraphs if p.style.name == STYLE_TITLE]
    assert titles == [f"{month[:4]}年 {int(month[5:])}月份{settings.platform_name}绩效考评情况通报"]
    assert [p.text for p in paragraphs if p.style.name == STYLE_HEADING] == list(SECTION_HEADINGS)
    assert document.core_properties.title == titles[0]


def test_ranking_tables_equal_the_json(content, data, settings):
    for group in RANKED_GROUPS:
        table = cells(table_after(content, settings.group(group).table_caption))
        assert table[0] == list(RANKING_COLUMNS * 2)
        assert len(table[0]) == 8
        expected = [
            [e["unit_name"], str(e["orders"]), format_table_score(e["score"]), str(e["rank"])]
            for e in data["rankings"][group]
        ]
        assert unfold_ranking(table[1:]) == expected
        # two units a row: the first ceil(n/2) on the left
        assert len(table) - 1 == (len(expected) + 1) // 2


def test_data_quality_table_equals_the_json(content, data, settings):
    caption = f"{settings.group(RANKED_GROUPS[0]).heading}数据质量得分情况"
    table = cells(table_after(content, caption))
    assert tuple(table[0]) == data_quality_header(RANKED_GROUPS[0])
    assert table[1:] == [
        [r["unit_name"], str(r["records"]), *(format_table_score(r[k]) for k in DATA_QUALITY_KEYS)]
        for r in data["data_quality"]
    ]


def test_headline_figures_in_the_text(document, data):
    text = "\n".join(p.text for p in document.paragraphs)
    intake, province = data["intake"], data["province"]
    assert f"共受理各类诉求 {intake['total']}件" in text
    assert f"当月受理 {intake['received_this_month']}件，上月结转 {intake['carried_over']}件" in text
    assert f"直接办理 {intake['direct']}件" in text
    assert f"交办服务工单 {intake['dispatched']}件" in text
    assert f"按时办结率 {format_rate(intake['on_time_completion_rate'])}" in text
    assert f"及时签收率 {format_rate(intake['timely_sign_rate'])}" in text
    assert f"回访满意率 {format_rate(intake['satisfaction_rate'])}" in text
    assert f"交办工单 {province['count']}件" in text
    assert f"省派工单按时办结率 {format_rate(province['on_time_rate'])}" in text
    for channel in data["by_channel"]:
        assert f"{channel['count']}件，占" in text
    lowest = data["groups"]["市级部门及单位"]["lowest_units"]
    assert lowest and all(u["unit_name"] in text for u in lowest)


def test_note_under_the_department_table(content, data, settings):
    caption = settings.group("市级部门及单位").table_caption
    index = next(i for i, item in enumerate(content) if isinstance(item, Paragraph) and item.text == caption)
    note = content[index + 2]
    assert isinstance(note, Paragraph) and note.style.name == STYLE_NOTE
    assert note.text.startswith("注：")
    for name in data["unranked"]["no_orders"] + data["unranked"]["no_due_orders"]:
        assert name in note.text


def east_asia_font(element) -> str | None:
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts")) if element.find(qn("w:rPr")) is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_chinese_fonts_are_set_for_east_asian_text(document):
    styles = document.styles
    expected = {
        "Normal": FONT_BODY,
        STYLE_TITLE: FONT_TITLE,
        STYLE_HEADING: FONT_HEADING,
        STYLE_CAPTION: FONT_HEADING,
        STYLE_NOTE: FONT_BODY,
    }
    for name, font in expected.items():
        fonts = styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:ascii")) == font, name
        # a theme font attribute would override the explicit name
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], name
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == FONT_BODY
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert styles["Normal"].font.size == Pt(16)
    assert styles[STYLE_TITLE].font.size == Pt(22)


def test_numbered_paragraph_leads_are_kaiti(document):
    numbered = [p for p in document.paragraphs if p.text[:3] in ("1. ", "2. ", "3. ")]
    assert numbered
    for paragraph in numbered:
        lead = paragraph.runs[0]
        assert lead.text.startswith(paragraph.text[:3])
        assert lead._element.rPr.rFonts.get(qn("w:eastAsia")) == FONT_SUBHEADING


def test_a4_page_and_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 2) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer


def test_table_header_rows_repeat(content):
    tables = [i for i in content if isinstance(i, DocxTable)]
    # three rankings, the county data quality table, three year-to-date tables
    assert len(tables) == 7
    for table in tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


def test_json_alone_renders_the_same_text(data: dict[str, Any], markdown: str, rendered_markdown: str):
    """The documents' one source: bulletin.json holds every figure the text prints."""
    assert rendered_markdown == markdown


def test_core_properties_are_the_bulletins_not_the_templates(document, written, data, settings):
    """Title, author, subject and dates of this bulletin; nothing of python-docx's template (its
    2013 dates, "generated by python-docx", Mac Word, its thumbnail)."""
    import datetime as dt
    import zipfile

    properties = document.core_properties
    published = settings.publication_date(data["month"])
    titles = [p.text.replace("\n", "") for p in document.paragraphs if p.style.name == STYLE_TITLE]
    assert [properties.title] == titles
    assert properties.author == properties.last_modified_by == settings.center_name
    assert properties.subject == f"{data['month']} 绩效考评情况通报"
    midnight = dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)
    assert properties.created == properties.modified == midnight
    assert properties.comments == "" and properties.revision == 1 and properties.language == "zh-CN"
    with zipfile.ZipFile(written.docx_path) as archive:
        names = archive.namelist()
        metadata = "".join(archive.read(n).decode("utf-8") for n in names if n.startswith("docProps/"))
    assert not [n for n in names if "thumbnail" in n]
    assert "python-docx" not in metadata and "2013" not in metadata and "Macintosh" not in metadata
    assert "<Application>hotline-bulletin</Application>" in metadata


def _on(element, tag: str) -> bool:
    found = element.find(qn(tag)) if element is not None else None
    return found is not None and found.get(qn("w:val"), "true") in ("true", "1", "on")


def test_the_data_quality_table_stays_on_one_page_with_its_caption(content, settings):
    caption = f"{settings.group(RANKED_GROUPS[0]).heading}数据质量得分情况"
    index = next(i for i, item in enumerate(content) if isinstance(item, Paragraph) and item.text == caption)
    assert content[index].style.paragraph_format.keep_with_next  # caption with the table
    table = content[index + 1]
    rows = table.rows
    for position, row in enumerate(rows):
        assert _on(row._tr.trPr, "w:cantSplit"), position  # no row split across pages
        if position < len(rows) - 1:  # each row kept with the next: the table moves as one
            assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in row.cells), position
    assert _on(rows[0]._tr.trPr, "w:tblHeader")


def test_names_fit_their_column_and_numbers_never_wrap(content):
    tables = [i for i in content if isinstance(i, DocxTable)]
    for table in tables:
        header = [c.text for c in table.rows[0].cells]
        width = sum(c.width for c in table.rows[0].cells)
        assert width <= Cm(21.0 - 2.8 - 2.6) + Cm(0.01), header  # within the text width
        for row in table.rows[1:]:
            for cell, title in zip(row.cells, header, strict=True):
                no_wrap = cell._tc.tcPr.find(qn("w:noWrap")) is not None
                if title in ("单位", RANKED_GROUPS[0]):
                    # one em of the 10.5 pt table font a character, plus the cell margins
                    assert cell.width >= Pt(10.5).emu * len(cell.text), (cell.text, cell.width)
                    assert no_wrap or not cell.text, cell.text
                elif cell.text:
                    assert no_wrap, (title, cell.text)
