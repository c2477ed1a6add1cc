"""The two-units-a-row ranking table of the bulletin (bulletin.md "Ranking tables"), shared by the
month's rankings (compose.py) and the year to date (compose_year.py)."""

from __future__ import annotations

from typing import Any

from pipelines.bulletin.document import Table
from pipelines.bulletin.formatting import format_count, format_table_score


def two_up_table(
    entries: list[dict[str, Any]], columns: tuple[str, ...], count_key: str, kind: str
) -> Table:
    """Eight columns, two units a row (bulletin.md "Ranking tables"): the first ceil(n/2) units
    top-down on the left, the rest on the right; each half is unit name, `count_key`, score, rank."""
    left_count = (len(entries) + 1) // 2
    left, right = entries[:left_count], entries[left_count:]

    def cells(entry: dict[str, Any] | None) -> list[str]:
        if entry is None:
            return ["", "", "", ""]
        return [
            entry["unit_name"],
            format_count(entry[count_key]),
            format_table_score(entry["score"]),
            format_count(entry["rank"]),
        ]

    rows = [cells(left[i]) + cells(right[i] if i < len(right) else None) for i in range(left_count)]
    return Table(
        header=columns * 2,
        rows=tuple(tuple(row) for row in rows),
        kind=kind,
        numeric=(False, True, True, True) * 2,
        per_row=len(columns),
    )
