"""Text typed by people is printed as text in every format (issue 11, point 3).

The fixture month with hostile unit names, test-call findings and explanation reasons: an HTML
script, a spreadsheet formula, Markdown emphasis, pipes and links, a matplotlib `$…$` formula and
a control character. Each document is read back with a real reader of its format (markdown-it,
lxml, python-docx, openpyxl and the xlsx XML, the charts' drawn texts) and must show the
characters themselves: no element, link, emphasis, extra table column or formula comes from them.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import duckdb
import lxml.html
import pytest
from docx import Document
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from pipelines.bulletin.charts import rate_series, render_charts
from pipelines.bulletin.escaping import markdown_text
from pipelines.bulletin.rules import read_rules
from pipelines.bulletin.writer import BulletinFiles, write_bulletin
from pipelines.bulletin.xlsx_writer import SHEET_EXPLANATIONS, SHEET_OTHER, ranking_sheet
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH, build_warehouse

SCRIPT = "<script>alert(1)</script>市人社局"
FORMULA = '=HYPERLINK("http://evil.invalid","市财政局")'
MARKDOWN = "市*教育*局|[x](http://evil.invalid)"
MATH = "@城建$\\frac{1}{$控股"
MINUS = "-东海县<b>粗</b>"
#: unit_code → hostile name (departments, and a county: the data-quality table too)
NAMES = {"LYG0302": SCRIPT, "LYG0303": FORMULA, "LYG0308": MARKDOWN, "LYG0301": MATH, "LYG0101": MINUS}
REASON = "<img src=x onerror=alert(1)>**粗体**_斜_`code`"
FINDING = "+1+1"
FINDING_HTML = "<i>接听</i>不规范"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[BulletinFiles, dict]:
    root = tmp_path_factory.mktemp("hostile")
    warehouse = build_warehouse(root / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.columns "
                "where table_schema = 'marts' and column_name = 'unit_name'"
            ).fetchall()
        ]
        for table in tables:
            for code, name in NAMES.items():
                con.execute(f"update marts.{table} set unit_name = ? where unit_code = ?", [name, code])
        con.execute(
            "update marts.fct_explanations set reason = ? where unit_code = 'LYG0305'", [REASON + "\x07"]
        )
        con.execute(
            "update marts.fct_unit_findings set test_call_reasons = ? where test_call_reasons is not null",
            [f"{FINDING}、{FINDING_HTML}"],
        )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = write_bulletin(con, MONTH, root / "out", SETTINGS_PATH)
        rules = read_rules(con, MONTH)
    return written, {"rules": rules, "warehouse": warehouse}


def test_the_json_keeps_the_names_as_given(hostile):
    written, _ = hostile
    text = written.json_path.read_text(encoding="utf-8")
    data = json.loads(text)
    names = {u["unit_code"]: u["unit_name"] for u in data["unit_scores"]}
    assert {code: names[code] for code in NAMES} == NAMES


def test_markdown_renders_the_characters_not_markup(hostile):
    written, _ = hostile
    source = written.markdown_path.read_text(encoding="utf-8")
    html = MarkdownIt("commonmark").enable("table").render(source)
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    # nothing from the names, findings or reasons became an element or a link
    assert not page.xpath("//script|//img|//b|//i|//a|//code")
    assert not page.xpath("//em")
    # bold only for the table captions, whole paragraphs of the bulletin's own wording
    for strong in page.xpath("//strong"):
        assert strong.getparent().tag == "p" and strong.getparent().text_content() == strong.text_content()
        assert strong.text_content().endswith(("排名表", "得分情况"))
    text = page.text_content()
    for name in (SCRIPT, FORMULA, MARKDOWN, MATH, MINUS):
        assert name in text, name
    assert REASON in text and FINDING_HTML in text
    # every ranking row still has the table's eight cells (a `|` in a name added none)
    for table in page.xpath("//table"):
        widths = {len(row.xpath("./th|./td")) for row in table.xpath(".//tr")}
        assert len(widths) == 1, widths
    assert "\x07" not in source


def test_markdown_escape_of_each_special():
    assert markdown_text("a|b*c_d[e](f)<g>`h`~i~&j!k#l\\m\nn") == (
        "a\\|b\\*c\\_d\\[e\\](f)\\<g\\>\\`h\\`\\~i\\~\\&j\\!k\\#l\\\\m n"
    )
    # the bulletin's own wording has no special character: it is unchanged
    own = "1. 各县、赣榆区（共 4家，满分为 150分）：2月份，按时办结率 95.81%。"
    assert markdown_text(own) == own


def test_html_shows_the_characters_and_runs_nothing(hostile):
    written, _ = hostile
    source = written.html_path.read_text(encoding="utf-8")
    page = lxml.html.document_fromstring(source)
    assert not page.xpath("//script|//b|//i|//a")
    # the only images are the four charts and the year-to-date charts of the groups, inline
    year_charts = sum(1 for ranking in written.bulletin["year_to_date"]["rankings"].values() if ranking)
    assert [i.get("src")[:22] for i in page.xpath("//img")] == ["data:image/png;base64,"] * (4 + year_charts)
    text = page.text_content()
    for name in (SCRIPT, FORMULA, MARKDOWN, MATH, MINUS):
        assert name in text, name
    assert REASON in text and FINDING_HTML in text
    assert "&lt;script&gt;" in source and "<script>" not in source


def test_docx_holds_the_characters(hostile):
    written, _ = hostile
    document = Document(str(written.docx_path))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for name in (SCRIPT, FORMULA, MARKDOWN, MATH):
        assert name in text + cells, name
    assert MINUS in cells  # the county's row of the data-quality table
    assert REASON in text and FINDING_HTML in text


def test_xlsx_text_cells_are_strings_never_formulas(hostile):
    written, _ = hostile
    with zipfile.ZipFile(written.xlsx_path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        sheets = [archive.read(n).decode("utf-8") for n in names]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets), "a formula cell"
    workbook = load_workbook(written.xlsx_path)
    ranking = workbook[ranking_sheet("市级部门及单位")]
    found = {}
    for row in ranking.iter_rows(min_row=2):
        code, name = row[1].value, row[2]
        found[code] = name
    assert found["LYG0303"].value == FORMULA and found["LYG0303"].data_type == "s"
    assert found["LYG0303"].quotePrefix  # Excel keeps it text when edited
    assert found["LYG0301"].value == MATH and found["LYG0301"].quotePrefix  # leading @
    assert found["LYG0302"].value == SCRIPT and not found["LYG0302"].quotePrefix
    findings = [c.value for row in workbook[SHEET_OTHER].iter_rows(min_row=2) for c in row]
    assert f"{FINDING}、{FINDING_HTML}" in findings
    reasons = [row[4] for row in workbook[SHEET_EXPLANATIONS].iter_rows(min_row=2)]
    assert any(c.value == REASON and c.data_type == "s" for c in reasons)


def test_charts_draw_the_characters(hostile):
    written, context = hostile
    data = json.loads(written.json_path.read_text(encoding="utf-8"))
    charts = {c.key: c for c in render_charts(data, rate_series(data, []), context["rules"])}
    labels = charts["scores_by_group"].texts
    # `$…$` is escaped (no mathtext: a `$\frac{` would not even parse); the rest drawn as given
    assert any(label.endswith(MATH.replace("$", "\\$")) for label in labels)
    assert any(label.endswith(SCRIPT) for label in labels)
    assert any(label.endswith(FORMULA) for label in labels)
    assert (Path(written.directory) / "charts" / "scores_by_group.png").read_bytes() == charts[
        "scores_by_group"
    ].png
