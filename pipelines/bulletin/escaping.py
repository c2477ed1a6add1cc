"""Text from input (unit names, findings, reasons typed by people) made safe for each format.

The document model holds plain text; each renderer passes every text through the function of its
format here, so a name `<script>…</script>`, `=HYPERLINK("http://…","市财政局")`, `a|b`, `*x*`
or `[x](y)` is printed as those characters and never becomes markup, a link or a formula:

- Markdown (`markdown_text`, `markdown_cell`): CommonMark's inline specials get a backslash, line
  breaks become spaces (a text cannot open a heading, list or table row of its own);
- HTML: Jinja2's autoescape (html_writer.py) — `&`, `<`, `>`, `"`, `'` as entities;
- Word and Excel (`xml_text`): characters XML 1.0 cannot hold (control characters) are dropped,
  python-docx and openpyxl escape the rest;
- Excel (`excel_text`): every text cell is written as a string; one starting with `=`, `+`, `-`,
  `@` (or a tab / carriage return) is also marked quote-prefixed, so Excel never reads it as a
  formula, even after someone edits the cell;
- charts (`chart_text`): matplotlib reads `$…$` as mathematics: `$` is escaped.
"""

from __future__ import annotations

import re

#: CommonMark's ASCII punctuation that can start inline markup (emphasis, code, links, images,
#: raw HTML, autolinks, entities, tables, strikethrough, hard breaks)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|~&!#])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
#: XML 1.0 allows tab, newline, carriage return and from U+0020 up (minus surrogates, FFFE/FFFF)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: a cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown inline text: specials backslash-escaped, one line."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _LINE_BREAKS.sub(" ", xml_text(text)))


def markdown_cell(text: str) -> str:
    """A table cell: as `markdown_text` (its `|` escaped, so it cannot add a column)."""
    return markdown_text(text)


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (Word and Excel files are XML)."""
    return _XML_ILLEGAL.sub("", text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def chart_text(text: str) -> str:
    """A label for matplotlib: `$` escaped (no mathtext), control characters dropped."""
    return xml_text(text).replace("$", r"\$")
