"""bulletin.md: a Document (document.py) laid out as Markdown.

One block a paragraph, blocks separated by a blank line: the masthead's issue line, then
`issuer{HEADER_GAP}date`, `# ` the title, `## ` a heading, `**…**` a caption, a pipe table (text
columns left-aligned, number columns right-aligned), `注：…` notes as paragraphs. Key figures and
charts are left out (the web page shows them). Every text is escaped (escaping.markdown_text), so a
unit name holding `*`, `|`, `[x](y)` or `<script>` prints as itself.

`render_markdown(bulletin, settings, rules)` is the bulletin's text: compose.py's blocks rendered
here; without `rules` the thresholds come from the rulebook file's version `rulebook_version`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.bulletin.compose import (  # noqa: F401  (re-exported: the bulletin's fixed wording)
    DATA_QUALITY_ITEMS_HEADER,
    DATA_QUALITY_KEYS,
    RANKING_COLUMNS,
    SECTION_HEADINGS,
    compose_bulletin,
)
from pipelines.bulletin.config import BulletinSettings
from pipelines.bulletin.document import (
    Caption,
    ChartRef,
    Document,
    Heading,
    KeyFigures,
    Masthead,
    Note,
    Paragraph,
    Table,
    Title,
)
from pipelines.bulletin.escaping import markdown_cell, markdown_text
from pipelines.bulletin.rules import BulletinRules, rules_for_version

#: between the center's name and the date on the header line (not collapsed by Markdown)
HEADER_GAP = "\u3000\u3000"


def _table(table: Table) -> str:
    align = tuple("---:" if table.is_numeric(i) else "---" for i in range(len(table.header)))
    lines = [
        "| " + " | ".join(markdown_cell(h) for h in table.header) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def markdown_blocks(document: Document) -> list[str]:
    """The Markdown of each block (blocks without a Markdown form left out)."""
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, Masthead):
            out.append(markdown_text(block.issue))
            out.append(f"{markdown_text(block.issuer)}{HEADER_GAP}{markdown_text(block.date)}")
        elif isinstance(block, Title):
            out.append(f"# {markdown_text(block.text)}")
        elif isinstance(block, Heading):
            out.append(f"{'#' * (block.level + 1)} {markdown_text(block.text)}")
        elif isinstance(block, Caption):
            out.append(f"**{markdown_text(block.text)}**")
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, Paragraph | Note):
            out.append(markdown_text(block.text))
        elif isinstance(block, KeyFigures | ChartRef):
            continue
        else:  # pragma: no cover - a new block type must be given a Markdown form
            raise TypeError(f"no Markdown form for {type(block).__name__}")
    return out


def render_document_markdown(document: Document) -> str:
    return "\n\n".join(markdown_blocks(document)) + "\n"


def default_rules(bulletin: dict[str, Any], rulebook_path: str | Path | None = None) -> BulletinRules:
    """The thresholds of the bulletin's own rulebook version, read from the rulebook file."""
    from pipelines.settings import Settings

    path = rulebook_path if rulebook_path is not None else Settings.from_env().rulebook_path
    return rules_for_version(path, str(bulletin["rulebook_version"]))


def render_markdown(
    bulletin: dict[str, Any], settings: BulletinSettings, rules: BulletinRules | None = None
) -> str:
    """The bulletin as Markdown: header, opening paragraph, sections 一 to 四."""
    rules = rules if rules is not None else default_rules(bulletin)
    return render_document_markdown(compose_bulletin(bulletin, settings, rules))
