"""Asset metadata shown in the Dagster UI: a month's row count and a few rows as a Markdown table.

Previews never show personal data: the contract's personal columns (caller phone, request
content), their hashes, and free-text replies are left out, whatever table they appear in.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from pipelines.contract import INPUTS

PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 10
CELL_CHARS = 24
#: never previewed: the contract's personal columns, their derived forms, and technical columns
HIDDEN_COLUMNS = frozenset(
    {c.name for spec in INPUTS for c in spec.columns if c.personal}
    | {f"{c.name}_hash" for spec in INPUTS for c in spec.columns if c.personal}
    | {"reply", "source_file", "load_errors"}
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else f"{value:g}"
    else:
        text = str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def markdown_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {relation} limit 0").description]


def month_preview(
    con: duckdb.DuckDBPyConnection, relation: str, month: str | None, order_by: str | None = None
) -> tuple[int, str]:
    """(rows of `month` in `relation`, a Markdown table of its first rows without personal data).

    A relation without a `month` column is counted and previewed whole.
    """
    columns = _columns(con, relation)
    where, params = ("where month = ?", [month]) if month and "month" in columns else ("", [])
    count = con.execute(f"select count(*) from {relation} {where}", params).fetchone()[0]
    shown = [c for c in columns if c not in HIDDEN_COLUMNS and c != "month"][:PREVIEW_COLUMNS]
    if not shown:
        return int(count), ""
    quoted = ", ".join(f'"{c}"' for c in shown)
    order = f"order by {order_by}" if order_by else ""
    rows = con.execute(
        f"select {quoted} from {relation} {where} {order} limit {PREVIEW_ROWS}", params
    ).fetchall()
    return int(count), markdown_table(shown, rows)
