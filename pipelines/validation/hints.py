"""Say why rows broke a rule when the cause is a known export fault, and how to fix the export.

The contract check and `hotline check` print these with the rule, its count and an example value,
so a person reads the cause in the terminal instead of in the Data Docs. The one fault known
here: Excel shows a long number in scientific notation and, saved as CSV, writes `2.02102E+12`
for the id `2021020001234` — every id then collides with others (rules.md: an id that is not unique
quarantines every row carrying it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipelines.contract import InputSpec

#: `2.02102E+12`, `1.2e+13`: a number Excel displays (and saves to CSV) in scientific notation
SCIENTIFIC_ID = re.compile(r"^[+-]?\d(\.\d+)?[eE]\+?\d+$")
SCIENTIFIC_FIX = (
    "format the id column as text in Excel before saving (or export CSV straight from the platform, "
    "without opening it in Excel), then load the month again"
)


def looks_scientific(value: object) -> bool:
    return isinstance(value, str) and bool(SCIENTIFIC_ID.match(value.strip()))


def _example(samples: Iterable[dict[str, Any]], column: str | None) -> str | None:
    for sample in samples:
        value = sample.get(column) if column else None
        if value is not None:
            return str(value)
    return None


def rule_lines(spec: InputSpec, report: Any, limit: int = 5) -> list[str]:
    """One line per broken rule (most rows first): `rule: N rows, e.g. row 12 (order_id '…')`, then a
    `cause:` and a `fix:` line when the example shows a known export fault.

    `report` is a `quarantine.RuleReport`.
    """
    lines: list[str] = []
    id_column = spec.id_column
    for rule in sorted(report.broken, key=lambda r: -r.rows)[:limit]:
        effect = "quarantined" if rule.quarantines else "reported"
        first = rule.samples[0] if rule.samples else {}
        example = _example(rule.samples, id_column)
        where = f"row {first['source_row']}" if "source_row" in first else "first row"
        shown = f" ({id_column} '{example}')" if example is not None else ""
        lines.append(f"{spec.name}: rule {rule.rule}: {rule.rows} rows {effect}, e.g. {where}{shown}")
        if example is not None and looks_scientific(example):
            lines.append(
                f"  cause: the {id_column} values look like Excel's scientific notation ('{example}'): "
                "the file was opened in Excel and saved, which rounded every id to 6 digits"
            )
            lines.append(f"  fix: {SCIENTIFIC_FIX}")
    return lines
