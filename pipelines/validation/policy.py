"""Settings of the validation (env vars) and the rule deciding whether a month may publish."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

#: share of the month's orders that may be quarantined and the bulletin still published
MAX_QUARANTINE_SHARE_ENV = "HOTLINE_MAX_QUARANTINE_SHARE"
DEFAULT_MAX_QUARANTINE_SHARE = 0.01
#: rows of a month validated by Great Expectations itself (the SQL rules always see every row)
GX_MAX_ROWS_ENV = "HOTLINE_GX_MAX_ROWS"
DEFAULT_GX_MAX_ROWS = 100_000


def max_quarantine_share() -> float:
    """HOTLINE_MAX_QUARANTINE_SHARE as a fraction (0.01 = 1 %); `1%` is accepted too."""
    text = os.environ.get(MAX_QUARANTINE_SHARE_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_QUARANTINE_SHARE
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(
            f"{MAX_QUARANTINE_SHARE_ENV}={text!r} is not a number: set a fraction of the month's orders "
            "between 0 and 1 (0.01 = 1 %), or a percentage such as 1%"
        ) from None
    if not 0 <= value <= 1:
        raise ValueError(f"{MAX_QUARANTINE_SHARE_ENV}={text!r} must be between 0 and 1 (0.01 = 1 %)")
    return value


def gx_max_rows() -> int:
    text = os.environ.get(GX_MAX_ROWS_ENV, "").strip()
    if not text:
        return DEFAULT_GX_MAX_ROWS
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{GX_MAX_ROWS_ENV}={text!r} is not a whole number of rows") from None
    if value < 1:
        raise ValueError(f"{GX_MAX_ROWS_ENV}={text!r} must be at least 1")
    return value


#: DuckDB memory limit while validating (a 10M-row month then peaks near 1.3 GB, spilling to disk)
VALIDATION_MEMORY_ENV = "HOTLINE_VALIDATION_MEMORY_LIMIT"
DEFAULT_VALIDATION_MEMORY = "1GB"


def validation_memory_limit() -> str:
    text = os.environ.get(VALIDATION_MEMORY_ENV, "").strip() or DEFAULT_VALIDATION_MEMORY
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", text, flags=re.IGNORECASE):
        raise ValueError(f"{VALIDATION_MEMORY_ENV}={text!r} is not a DuckDB memory size such as 1GB or 512MB")
    return text


@contextmanager
def memory_limited(con: duckdb.DuckDBPyConnection, limit: str | None = None) -> Iterator[None]:
    """Run validation queries under a DuckDB memory limit, then restore the connection's own."""
    previous = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.execute(f"set memory_limit = '{limit or validation_memory_limit()}'")
    try:
        yield
    finally:
        con.execute(f"set memory_limit = '{previous}'")


@dataclass(frozen=True)
class PublicationDecision:
    month: str
    orders_read: int
    orders_quarantined: int
    max_share: float

    @property
    def share(self) -> float:
        return self.orders_quarantined / self.orders_read if self.orders_read else 0.0

    @property
    def may_publish(self) -> bool:
        return self.share <= self.max_share

    @property
    def message(self) -> str:
        counted = (
            f"{self.month}: {self.orders_quarantined} of {self.orders_read} orders "
            f"({self.share:.2%}) are quarantined"
        )
        if self.may_publish:
            return (
                f"{counted}, within {MAX_QUARANTINE_SHARE_ENV} = {self.max_share:.2%}: the bulletin publishes"
            )
        return (
            f"{counted}, over {MAX_QUARANTINE_SHARE_ENV} = {self.max_share:.2%}: "
            "the bulletin is not published. "
            "Fix: correct the export (raw.quarantine and the check raw/orders:contract list every row and "
            f"the rule it broke) and re-run the month, or raise {MAX_QUARANTINE_SHARE_ENV}"
        )
