"""bulletin.docx: a Document (document.py) as an editable Word file laid out like a government bulletin.

The blocks are compose.py's (the same as bulletin.md and bulletin.html): nothing is phrased or
computed here; python-docx escapes the XML, characters XML cannot hold are dropped
(escaping.xml_text). Layout, after GB/T 9704 (党政机关公文格式) as bulletins are usually set:

- A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm (top, bottom, left, right); page number `— N —` in the
  footer;
- issue line `2021年第 4 期` centered, then the center's name (left) and the date (right) above a
  red rule;
- the title in 宋体 (方正小标宋's stand-in on stock Windows) 22 pt, centered, on two lines as printed;
- body 仿宋 16 pt (三号), exact 28 pt lines, first line indented two characters;
- 一、二、三、四 in 黑体 (style Heading 1, so they show in Word's navigation pane); the leads of
  `1.` paragraphs in 楷体;
- table captions in 黑体 14 pt; tables in 仿宋 10.5 pt with a header row repeated on every page
  (the ranking tables two units a row, eight columns, as the original); notes `注：` below in
  12 pt;
- tables fit the text width: the name columns as wide as the longest name (so 中石化连云港石油分公司
  stays on one line), the rest shared by the number columns; number cells never wrap (`w:noWrap`);
  a table of at most `KEEP_TOGETHER_ROWS` (12) rows is kept on one page with its caption (every row
  `cantSplit` and `keepNext`), a longer one repeats its header on each page;
- core properties: title, subject, author, keywords, language, and created/modified = the
  publication date (no template metadata; a re-run gives the same file).

Chinese font names are written to every run and style in `w:rFonts` (`w:eastAsia` as well as
`w:ascii`/`w:hAnsi`), with the theme attributes removed so they are not overridden; a machine
without these fonts substitutes its own CJK font (LibreOffice through fontconfig).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from html import escape
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor

from pipelines.bulletin.charts import Chart
from pipelines.bulletin.document import (
    Caption,
    ChartRef,
    DocumentInfo,
    Heading,
    KeyFigures,
    Masthead,
    Note,
    Paragraph,
    Table,
    Title,
)
from pipelines.bulletin.document import (
    Document as Doc,
)
from pipelines.bulletin.escaping import xml_text

#: font names as stock Chinese Windows installs them
FONT_BODY = "仿宋"
FONT_HEADING = "黑体"
FONT_SUBHEADING = "楷体"
FONT_TITLE = "宋体"

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TEXT_WIDTH = PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]
BODY_SIZE = Pt(16)
LINE = Pt(28)
RED = "C00000"
NO_SPACE = Pt(0)

#: styles this writer defines or restyles (name → font, size, bold)
STYLE_BODY = "Normal"
STYLE_TITLE = "Title"
STYLE_HEADING = "Heading 1"
STYLE_CAPTION = "Caption"
STYLE_MASTHEAD = "通报版头"
STYLE_TABLE = "通报表格"
STYLE_NOTE = "通报表注"

#: docProps/app.xml's Application
APPLICATION = "hotline-bulletin"
TABLE_SIZE = Pt(10.5)
#: left and right padding of a table cell
CELL_MARGIN = Cm(0.08)
#: the width a name column gets per character (one em of the table font, plus a little)
CHAR_CM = TABLE_SIZE.cm * 1.02
#: a number column is at least this wide
MIN_NUMBER_CM = 1.0
#: tables of up to this many rows are kept on one page (with their caption)
KEEP_TOGETHER_ROWS = 12


def _set_fonts(rpr_owner: Any, name: str) -> None:
    """Set ascii, hAnsi, eastAsia and cs fonts on an element with an rPr (a style or a run)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _run_fonts(run: Any, name: str) -> None:
    run.font.name = name
    _set_fonts(run._element, name)


def _paragraph_style(
    document: Any,
    name: str,
    font: str,
    size: Pt,
    *,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    exact_line: Pt | None = None,
    before: Pt = NO_SPACE,
    after: Pt = NO_SPACE,
    keep_with_next: bool = False,
) -> Any:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[STYLE_BODY]
        style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    for child in ppr.findall(qn("w:pBdr")) + ppr.findall(qn("w:contextualSpacing")):
        ppr.remove(child)
    style.font.name = font
    _set_fonts(style.element, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:spacing", "w:kern"):
        for child in rpr.findall(qn(tag)):
            rpr.remove(child)
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    fmt.left_indent = Pt(0)
    fmt.space_before = before
    fmt.space_after = after
    fmt.keep_with_next = keep_with_next
    if exact_line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact_line
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return style


def _define_styles(document: Any) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT_BODY)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")

    _paragraph_style(
        document,
        STYLE_BODY,
        FONT_BODY,
        BODY_SIZE,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        exact_line=LINE,
    )
    _paragraph_style(
        document, STYLE_TITLE, FONT_TITLE, Pt(22), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
        exact_line=Pt(36), before=Pt(28), after=Pt(28),
    )  # fmt: skip
    _paragraph_style(
        document, STYLE_HEADING, FONT_HEADING, BODY_SIZE, indent=True, exact_line=LINE, keep_with_next=True
    )
    _paragraph_style(
        document, STYLE_CAPTION, FONT_HEADING, Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, exact_line=LINE,
        before=Pt(6), keep_with_next=True,
    )  # fmt: skip
    _paragraph_style(document, STYLE_MASTHEAD, FONT_BODY, BODY_SIZE, exact_line=LINE)
    _paragraph_style(
        document, STYLE_TABLE, FONT_BODY, Pt(10.5), align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(2), after=Pt(2)
    )
    _paragraph_style(
        document, STYLE_NOTE, FONT_BODY, Pt(12), align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(4), after=Pt(8)
    )


def _page_setup(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles[STYLE_MASTHEAD]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_fonts(footer.add_run("— "), FONT_TITLE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = footer.add_run("1")
    _run_fonts(number, FONT_TITLE)
    field.append(number._element)
    footer._p.append(field)
    _run_fonts(footer.add_run(" —"), FONT_TITLE)


def _red_rule(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", RED)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _masthead(document: Any, masthead: Masthead) -> None:
    line = document.add_paragraph(style=STYLE_MASTHEAD)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(12)
    line.add_run(xml_text(masthead.issue))
    paragraph = document.add_paragraph(style=STYLE_MASTHEAD)
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(xml_text(masthead.issuer))
    paragraph.add_run("\t")
    paragraph.add_run(xml_text(masthead.date))
    _red_rule(paragraph)


def _title(document: Any, title: Title) -> None:
    paragraph = document.add_paragraph(style=STYLE_TITLE)
    for i, line in enumerate(title.lines):
        run = paragraph.add_run(xml_text(line))
        if i < len(title.lines) - 1:
            run.add_break(WD_BREAK.LINE)


def _body(document: Any, block: Paragraph) -> None:
    paragraph = document.add_paragraph(style=STYLE_BODY)
    if block.style == "numbered":
        _run_fonts(paragraph.add_run(xml_text(block.lead)), FONT_SUBHEADING)
        if block.body:
            paragraph.add_run(xml_text(block.body))
    else:
        paragraph.add_run(xml_text(block.text))


def _on_off(parent: Any, tag: str) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    parent.append(element)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        _on_off(trpr, tag)


def _cant_split(row: Any) -> None:
    _on_off(row._tr.get_or_add_trPr(), "w:cantSplit")


def _no_wrap(cell: Any) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    no_wrap = OxmlElement("w:noWrap")
    tcpr.append(no_wrap)


def _cell_margins(table: Any) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(CELL_MARGIN.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tblpr.append(margins)


def column_widths(table: Table, width_cm: float | None = None) -> list[float]:
    """Widths (cm) of the table's columns within the text width: each text column as wide as its
    longest cell (one em a character), each number column as wide as its longest number (half an
    em a character), its header on two lines and at least MIN_NUMBER_CM; the width left is shared
    by the number columns.
    When even that does not fit, the text columns give up the difference in proportion."""
    total = width_cm if width_cm is not None else Length(TEXT_WIDTH).cm
    pad = 2 * CELL_MARGIN.cm + 0.05
    count = len(table.header)
    longest = [max((len(row[c]) for row in table.rows), default=0) for c in range(count)]
    numeric = [table.is_numeric(c) for c in range(count)]
    # a header may take two lines, evenly split (`数据完整` / `得分`), never one character alone
    header = [-(-len(table.header[c]) // 2) * CHAR_CM + pad for c in range(count)]
    need = [
        max(longest[c] * CHAR_CM * 0.5 + pad, MIN_NUMBER_CM, header[c])
        if numeric[c]
        else max(longest[c], 2) * CHAR_CM + pad
        for c in range(count)
    ]
    if not any(numeric):
        scale = total / sum(need)
        return [n * scale for n in need]
    text = sum(n for n, is_number in zip(need, numeric, strict=True) if not is_number)
    numbers = sum(n for n, is_number in zip(need, numeric, strict=True) if is_number)
    if text + numbers <= total:
        extra = (total - text - numbers) / sum(numeric)
        return [n + extra if is_number else n for n, is_number in zip(need, numeric, strict=True)]
    squeeze = max(total - numbers, 0) / text if text else 0
    return [n if is_number else n * squeeze for n, is_number in zip(need, numeric, strict=True)]


def _table(document: Any, block: Table) -> None:
    columns = len(block.header)
    table = document.add_table(rows=1 + len(block.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    widths = column_widths(block)
    # the style's id, looked up once: python-docx's `paragraph.style = …` scans every style of the
    # document for each cell (most of the time of a table-heavy document such as a report card)
    table_style_id = document.styles[STYLE_TABLE].style_id
    keep_together = len(block.rows) <= KEEP_TOGETHER_ROWS
    last = len(block.rows)
    for row_index, cells in enumerate((block.header, *block.rows)):
        row = table.rows[row_index]
        if row_index == 0:
            _repeat_header(row)
        else:
            _cant_split(row)
        for column, text in enumerate(cells):
            cell = row.cells[column]
            cell.width = Cm(widths[column])
            paragraph = cell.paragraphs[0]
            paragraph._p.style = table_style_id
            if keep_together and row_index < last:
                paragraph.paragraph_format.keep_with_next = True
            run = paragraph.add_run(xml_text(text))
            if row_index == 0:
                _run_fonts(run, FONT_HEADING)
            elif block.is_numeric(column) or len(text) * CHAR_CM <= widths[column]:
                _no_wrap(cell)
    for column, width in enumerate(widths):
        table.columns[column].width = Cm(width)


def _chart(document: Any, chart: Chart) -> None:
    paragraph = document.add_paragraph(style=STYLE_CAPTION)
    width = min(TEXT_WIDTH, Cm(chart.width / 110 * 2.54))
    paragraph.add_run().add_picture(io.BytesIO(chart.png), width=width)
    document.add_paragraph(xml_text(chart.title), style=STYLE_NOTE).alignment = WD_ALIGN_PARAGRAPH.CENTER


def _properties(document: Any, source: Doc) -> None:
    """Core properties of the document itself, none of python-docx's template (2013, its name)."""
    info = source.info
    properties = document.core_properties
    properties.title = xml_text(info.title)
    properties.subject = xml_text(info.subject)
    properties.author = xml_text(info.author)
    properties.last_modified_by = xml_text(info.author)
    properties.keywords = xml_text(info.keywords)
    properties.comments = ""
    properties.category = ""
    properties.language = info.language
    properties.revision = 1
    if info.date is not None:
        stamp = dt.datetime.combine(info.date, dt.time(0, 0))
        properties.created = stamp
        properties.modified = stamp
        properties.last_printed = stamp
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            # the template's thumbnail is a picture of another document
            package.rels.pop(rel_id)
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = _app_properties(info).encode("utf-8")


def _app_properties(info: DocumentInfo) -> str:
    """docProps/app.xml naming this application and the issuer (the template names Mac Word)."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{APPLICATION}</Application><Company>{escape(xml_text(info.author))}</Company>"
        "<DocSecurity>0</DocSecurity></Properties>"
    )


def render_docx(source: Doc, charts: Iterable[Chart] = ()) -> bytes:
    """The Word file of `source`; charts (by key) are drawn where it refers to them, when given
    (the bulletin's Word file leaves them out: they are in the web page and charts/)."""
    by_key = {chart.key: chart for chart in charts}
    document = Document()
    _define_styles(document)
    _page_setup(document)
    _properties(document, source)
    for block in source.blocks:
        if isinstance(block, Masthead):
            _masthead(document, block)
        elif isinstance(block, Title):
            _title(document, block)
        elif isinstance(block, Heading):
            document.add_paragraph(xml_text(block.text), style=STYLE_HEADING)
        elif isinstance(block, Caption):
            document.add_paragraph(xml_text(block.text), style=STYLE_CAPTION)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Note):
            document.add_paragraph(xml_text(block.text), style=STYLE_NOTE)
        elif isinstance(block, Paragraph):
            _body(document, block)
        elif isinstance(block, ChartRef):
            if block.key in by_key:
                _chart(document, by_key[block.key])
        elif isinstance(block, KeyFigures):
            continue
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
