"""The bulletin's text as typed blocks, for the Word and web-page writers.

The wording of the bulletin lives in one place, `render_markdown` (markdown.py). The Word and
HTML writers do not phrase anything again: they take its output and split it into the blocks it
is made of (issue line, center/date line, title, section headings, paragraphs, table captions,
tables, notes), so the three documents say exactly the same thing with the same figures. The
Markdown the renderer writes uses a small, fixed grammar, parsed here:

- block 1 the issue line, block 2 `center{HEADER_GAP}date`, `# ` the title;
- `## ` a section heading (一、二、三、四);
- `**…**` a table caption, a block starting with `|` a table (header, alignment row, rows);
- `注：…` a note under a table;
- anything else a paragraph; `1. …` and `（1）…` paragraphs carry a lead (`1. 各县、赣榆区（…）：`,
  `（1）按时办结率。`) that the documents set off typographically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.bulletin.markdown import DATA_QUALITY_HEADER, HEADER_GAP, RANKING_COLUMNS

#: `1. lead：` — a numbered paragraph's lead runs to the first full-width colon (or is the whole)
_NUMBERED = re.compile(r"^(\d+\.\s)")
#: `（1）lead。` — an item's lead runs to the first full stop
_ITEM = re.compile(r"^（\d+）")
_ROW_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Block:
    #: issue | dateline | title | heading | paragraph | caption | table | note
    kind: str
    text: str = ""
    #: paragraph: the lead (`1. 各县、赣榆区（共 4家，满分为 150分）：`), the rest is text[len(lead):]
    lead: str = ""
    #: paragraph: numbered (`1. `) | item (`（1）`) | body
    style: str = "body"
    #: dateline: the center's name and the date
    parts: tuple[str, ...] = ()
    #: table: header and rows of cell texts, and its kind: ranking | data_quality | table
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    table_kind: str = ""
    #: index of the section (0 for the header, 1 to 4 for 一 to 四) the block belongs to
    section: int = 0

    @property
    def body(self) -> str:
        return self.text[len(self.lead) :]


def _cells(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return tuple(cell.strip().replace("\\|", "|") for cell in _ROW_SPLIT.split(inner))


def _table(text: str, section: int) -> Block:
    lines = [line for line in text.splitlines() if line.strip()]
    header = _cells(lines[0])
    rows = tuple(_cells(line) for line in lines[2:])
    if header == RANKING_COLUMNS * 2:
        kind = "ranking"
    elif header == DATA_QUALITY_HEADER:
        kind = "data_quality"
    else:
        kind = "table"
    return Block(kind="table", header=header, rows=rows, table_kind=kind, section=section)


def _paragraph(text: str, section: int) -> Block:
    numbered = _NUMBERED.match(text)
    if numbered:
        colon = text.find("：")
        lead = text[: colon + 1] if colon >= 0 else text
        return Block(kind="paragraph", text=text, lead=lead, style="numbered", section=section)
    if _ITEM.match(text):
        stop = text.find("。")
        lead = text[: stop + 1] if stop >= 0 else text
        return Block(kind="paragraph", text=text, lead=lead, style="item", section=section)
    return Block(kind="paragraph", text=text, section=section)


def parse_blocks(markdown: str) -> list[Block]:
    """The blocks of a `render_markdown` text, in order."""
    raw = [chunk.strip("\n") for chunk in markdown.split("\n\n") if chunk.strip()]
    blocks: list[Block] = []
    section = 0
    for index, text in enumerate(raw):
        if index == 0:
            blocks.append(Block(kind="issue", text=text))
        elif index == 1 and HEADER_GAP in text:
            center, date = text.split(HEADER_GAP, 1)
            blocks.append(Block(kind="dateline", text=text, parts=(center.strip(), date.strip())))
        elif text.startswith("## "):
            section += 1
            blocks.append(Block(kind="heading", text=text[3:].strip(), section=section))
        elif text.startswith("# "):
            blocks.append(Block(kind="title", text=text[2:].strip()))
        elif text.startswith("**") and text.endswith("**"):
            blocks.append(Block(kind="caption", text=text[2:-2].strip(), section=section))
        elif text.startswith("|"):
            blocks.append(_table(text, section))
        elif text.startswith("注："):
            blocks.append(Block(kind="note", text=text, section=section))
        else:
            blocks.append(_paragraph(text, section))
    return blocks


def split_title(title: str, tail: str = "绩效考评情况通报") -> tuple[str, ...]:
    """The title on two lines as printed (`2021年 2月份市 12345在线平台` / `绩效考评情况通报`)."""
    if title.endswith(tail) and len(title) > len(tail):
        return (title[: -len(tail)], tail)
    return (title,)
