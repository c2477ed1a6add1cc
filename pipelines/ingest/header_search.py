"""Find the header row of an export that starts with title or export-info rows.

Exported workbooks often start with a merged title row (`…工单明细表（2021年2月）`) and an
export-info row (`导出时间：… 导出人：…`), the header in row 3. The header is the first row, among
the first `HEADER_SEARCH_ROWS` non-blank rows, that names the most contract columns; the rows above
it are skipped and reported. When no row names any contract column, the error names the rows looked at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import InputSpec
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.headers import HeaderMap, clean_header, map_header, matching_columns

#: non-blank rows looked at for the header
HEADER_SEARCH_ROWS = 20
#: characters of a skipped row quoted in metadata and messages
QUOTED_ROW_CHARS = 60
#: digit runs this long are masked when a row is quoted (a data row may hold a phone number)
_LONG_DIGITS = re.compile(r"\d{7,}")


@dataclass(frozen=True)
class FoundHeader:
    """The header row found and the rows skipped above it."""

    header: HeaderMap
    #: 0-based index of the header among the rows given
    index: int
    #: 1-based row (line) number of the header in the file
    row_number: int
    #: `row N: 'text'` of each non-blank row skipped above the header
    skipped: tuple[str, ...]


def row_text(row: Sequence[object]) -> str:
    """The non-empty cells of a row joined by ` | `, shortened, long digit runs masked."""
    text = " | ".join(c for c in (clean_header(v) for v in row) if c)
    text = _LONG_DIGITS.sub(lambda m: "*" * len(m.group()), text)
    return text if len(text) <= QUOTED_ROW_CHARS else text[: QUOTED_ROW_CHARS - 1] + "…"


def is_blank(row: Sequence[object]) -> bool:
    return not any(clean_header(v) for v in row)


def find_header(
    path: Path, spec: InputSpec, rows: Sequence[tuple[int, Sequence[object]]], where: str = "row"
) -> FoundHeader:
    """The header among `rows` ((1-based row number, cells) pairs, the file's first rows).

    Raises InputFileError naming the rows looked at when none names a contract column, and
    `map_header`'s error (missing or doubled column) for the best candidate.
    """
    looked: list[tuple[int, int, Sequence[object]]] = []  # (index, row number, cells)
    for index, (number, cells) in enumerate(rows):
        if not is_blank(cells):
            looked.append((index, number, cells))
        if len(looked) >= HEADER_SEARCH_ROWS:
            break
    if not looked:
        raise InputFileError(path, "the file is empty (no header row)", _fix(where))
    scores = [matching_columns(spec, cells) for _, _, cells in looked]
    best = max(scores)
    if best == 0:
        shown = "; ".join(f"{where} {number}: '{row_text(cells)}'" for _, number, cells in looked[:5])
        more = f" and {len(looked) - 5} more" if len(looked) > 5 else ""
        raise InputFileError(
            path,
            f"no header row found: none of the first {len(looked)} non-blank {where}s names a column of "
            f"'{spec.name}' ({shown}{more})",
            _fix(where),
        )
    position = scores.index(best)
    index, number, cells = looked[position]
    header = map_header(path, spec, cells)
    skipped = tuple(f"{where} {n}: '{row_text(c)}'" for _, n, c in looked[:position])
    return FoundHeader(header=header, index=index, row_number=number, skipped=skipped)


def _fix(where: str) -> str:
    return (
        f"export the table with its header {where} (English or Chinese column names, contract.md) "
        f"within the first {HEADER_SEARCH_ROWS} {where}s"
    )
