"""bulletin.docx: the bulletin as an editable Word document laid out like a government bulletin.

The text is the text of bulletin.md (`render_markdown`), split into blocks (blocks.py): nothing is
phrased or computed here. Layout, after GB/T 9704 (党政机关公文格式) as bulletins are usually set:

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
  12 pt.

Chinese font names are written to every run and style in `w:rFonts` (`w:eastAsia` as well as
`w:ascii`/`w:hAnsi`), with the theme attributes removed so they are not overridden; a machine
without these fonts substitutes its own CJK font (LibreOffice through fontconfig).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipelines.bulletin.blocks import Block, parse_blocks, split_title
from pipelines.bulletin.config import BulletinSettings

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

#: column widths (cm) of the tables: a ranking half (单位 / 总工单数 / 得分 / 排名) and 数据质量
RANKING_HALF_CM = (3.2, 1.6, 1.6, 1.4)
DATA_QUALITY_CM = (1.8, 1.5, *(1.5375,) * 8)


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


def _masthead(document: Any, issue: Block, dateline: Block | None) -> None:
    line = document.add_paragraph(style=STYLE_MASTHEAD)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(12)
    line.add_run(issue.text)
    if dateline is None:
        return
    center, date = dateline.parts
    paragraph = document.add_paragraph(style=STYLE_MASTHEAD)
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(center)
    paragraph.add_run("\t")
    paragraph.add_run(date)
    _red_rule(paragraph)


def _title(document: Any, text: str) -> None:
    paragraph = document.add_paragraph(style=STYLE_TITLE)
    for i, line in enumerate(split_title(text)):
        run = paragraph.add_run(line)
        if i < len(split_title(text)) - 1:
            run.add_break(WD_BREAK.LINE)


def _body(document: Any, block: Block) -> None:
    paragraph = document.add_paragraph(style=STYLE_BODY)
    if block.style == "numbered":
        _run_fonts(paragraph.add_run(block.lead), FONT_SUBHEADING)
        if block.body:
            paragraph.add_run(block.body)
    else:
        paragraph.add_run(block.text)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        trpr.append(element)


def _table(document: Any, block: Block) -> None:
    columns = len(block.header)
    table = document.add_table(rows=1 + len(block.rows), cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if block.table_kind == "ranking":
        widths = RANKING_HALF_CM * 2
    elif block.table_kind == "data_quality":
        widths = DATA_QUALITY_CM
    else:
        widths = (TEXT_WIDTH.cm / columns,) * columns
    for row_index, cells in enumerate((block.header, *block.rows)):
        row = table.rows[row_index]
        if row_index == 0:
            _repeat_header(row)
        for column, text in enumerate(cells):
            cell = row.cells[column]
            cell.width = Cm(widths[column])
            paragraph = cell.paragraphs[0]
            paragraph.style = document.styles[STYLE_TABLE]
            run = paragraph.add_run(text)
            if row_index == 0:
                _run_fonts(run, FONT_HEADING)
    for column, width in enumerate(widths):
        table.columns[column].width = Cm(width)


def render_docx(bulletin: dict[str, Any], markdown: str, settings: BulletinSettings) -> bytes:
    """The Word document of the bulletin (its text is `markdown`, the output of render_markdown)."""
    blocks = parse_blocks(markdown)
    document = Document()
    _define_styles(document)
    _page_setup(document)
    properties = document.core_properties
    title = next((b.text for b in blocks if b.kind == "title"), "")
    properties.title = title
    properties.subject = f"{bulletin['month']} 绩效考评情况通报"
    properties.author = settings.center_name
    properties.keywords = f"12345; 绩效考评; {bulletin['month']}; rulebook {bulletin['rulebook_version']}"
    properties.language = "zh-CN"

    dateline = next((b for b in blocks if b.kind == "dateline"), None)
    for block in blocks:
        if block.kind == "issue":
            _masthead(document, block, dateline)
        elif block.kind == "title":
            _title(document, block.text)
        elif block.kind == "heading":
            document.add_paragraph(block.text, style=STYLE_HEADING)
        elif block.kind == "caption":
            document.add_paragraph(block.text, style=STYLE_CAPTION)
        elif block.kind == "table":
            _table(document, block)
        elif block.kind == "note":
            document.add_paragraph(block.text, style=STYLE_NOTE)
        elif block.kind == "paragraph":
            _body(document, block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
