"""The document model: a bulletin (or a unit's report card) as typed blocks, rendered to every format.

A `Document` is built once from the figures (the dict written as bulletin.json) by a composer
(compose.py for the bulletin), then each renderer lays the same blocks out: markdown.py
(bulletin.md), docx_writer.py (bulletin.docx), html_writer.py (bulletin.html, a Jinja2 template).
No renderer phrases or computes anything; the composer never formats for one output.

Every text in a block is plain text: it may hold anything a unit name, a finding or a reason typed
by people holds (`<script>`, `|`, `*`, `[x](y)`, `=HYPERLINK(…)`); each renderer escapes it for its
format (escaping.py). Blocks:

- `Masthead`   the issue line (`2021年第 4 期`), the issuer and the date (a red rule below);
- `Title`      the title, with the lines it is printed on;
- `KeyFigures` headline figures (label, value), shown above the text on the web page only;
- `Heading`    a section heading (`一、考评得分情况`), level 1, or a sub-heading, level 2;
- `Paragraph`  body text; `numbered` (`1. lead：…`) and `item` (`（1）lead。…`) paragraphs carry a
  lead the documents set off (楷体 in Word, bold on the web);
- `Caption`    a table caption;
- `Table`      header and rows of cell texts, which columns are numbers, its `kind` (`ranking`: two
  units a row, `per_row` cells each; `data_quality`; `table`);
- `Note`       `注：…` under a table;
- `ChartRef`   a chart by key (the PNG comes from charts.py; the web page inlines it).

`Document.sections` groups the blocks under their headings (the web page's `<section>`s).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Masthead:
    issue: str
    issuer: str
    date: str

    @property
    def text(self) -> str:
        return self.issue


@dataclass(frozen=True)
class Title:
    text: str
    #: the lines the title is printed on (`…在线平台` / `绩效考评情况通报`)
    lines: tuple[str, ...]


@dataclass(frozen=True)
class KeyFigures:
    #: (label, value) pairs, e.g. ("受理诉求", "71052件")
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: the lead set off typographically (a prefix of `text`), "" for none
    lead: str = ""
    #: body | numbered (`1. `) | item (`（1）`)
    style: str = "body"

    @property
    def body(self) -> str:
        return self.text[len(self.lead) :]


@dataclass(frozen=True)
class Caption:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: ranking | year_ranking | data_quality | table (renderers choose widths and phone layout by kind)
    kind: str = "table"
    #: per column: True when its cells are numbers (right-aligned, never broken across lines)
    numeric: tuple[bool, ...] = ()
    #: cells per record: 4 for a ranking table printed two units a row (8 columns), else all
    per_row: int = 0

    def is_numeric(self, column: int) -> bool:
        return bool(self.numeric) and self.numeric[column]

    @property
    def records(self) -> tuple[tuple[str, ...], ...]:
        """The rows one record each: a two-units-a-row table unfolded (left half, then right half)."""
        width = self.per_row or len(self.header)
        if width >= len(self.header):
            return self.rows
        halves = len(self.header) // width
        return tuple(
            row[half * width : (half + 1) * width]
            for half in range(halves)
            for row in self.rows
            if any(row[half * width : (half + 1) * width])
        )

    @property
    def record_header(self) -> tuple[str, ...]:
        return self.header[: self.per_row or len(self.header)]


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class ChartRef:
    key: str
    title: str


Block = Masthead | Title | KeyFigures | Heading | Paragraph | Caption | Table | Note | ChartRef


@dataclass(frozen=True)
class Section:
    heading: Heading | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DocumentInfo:
    """What the files say about themselves (docx core properties, the web page's <title>)."""

    title: str
    author: str
    subject: str = ""
    keywords: str = ""
    language: str = "zh-CN"
    #: the document's date (the publication date): created/modified in the docx, so a re-run of a
    #: month gives the same file
    date: dt.date | None = None
    #: a line at the foot of the web page
    footer: str = ""


@dataclass(frozen=True)
class Document:
    info: DocumentInfo
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return self.info.title

    def of_kind(self, kind: type) -> list:
        return [b for b in self.blocks if isinstance(b, kind)]

    @property
    def sections(self) -> list[Section]:
        """The blocks before the first level-1 heading (heading None), then one per heading."""
        sections: list[Section] = []
        heading: Heading | None = None
        current: list[Block] = []
        for block in self.blocks:
            if isinstance(block, Heading) and block.level == 1:
                if current or heading is not None:
                    sections.append(Section(heading, tuple(current)))
                heading, current = block, []
            else:
                current.append(block)
        if current or heading is not None:
            sections.append(Section(heading, tuple(current)))
        return sections


def numbered(text: str) -> Paragraph:
    """`1. 各县、赣榆区（…）：…`: the lead runs to the first full-width colon (or is the whole)."""
    colon = text.find("：")
    return Paragraph(text, lead=text[: colon + 1] if colon >= 0 else text, style="numbered")


def item(text: str) -> Paragraph:
    """`（1）按时办结率。…`: the lead runs to the first full stop."""
    stop = text.find("。")
    return Paragraph(text, lead=text[: stop + 1] if stop >= 0 else text, style="item")
