"""The alerts' history in the warehouse: table `main.alerts`, one row per delivery attempt and channel.

The alert log (`alerts.jsonl`) stays the dedup state and the source of truth (sensors write it
without the warehouse); `sync_alert_history` copies into the warehouse the log lines it does not
have yet, identified by (dedup_key, attempt, channel). It runs at the end of `hotline run` and at
the alert sensors' ticks when the warehouse is free, so the table follows the log.

Columns: dedup_key, kind, month, unit_code (null for alerts about the whole month), channel
(`webhook`, `email`, `route:<key>:webhook|email`, or `log` when no channel was configured),
target (masked), sent_at (UTC), outcome (`sent`, `failed`, `logged`), attempt, severity, subject,
error (masked).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from pipelines.alerts.alert_log import AlertLog

TABLE = "main.alerts"
COLUMNS = (
    ("dedup_key", "varchar not null"),
    ("kind", "varchar not null"),
    ("month", "varchar"),
    ("unit_code", "varchar"),
    ("channel", "varchar not null"),
    ("target", "varchar"),
    ("sent_at", "timestamp"),
    ("outcome", "varchar not null"),
    ("attempt", "integer not null"),
    ("severity", "varchar"),
    ("subject", "varchar"),
    ("error", "varchar"),
)


def ensure_alerts_table(con: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    con.execute(f"create table if not exists {TABLE} ({columns})")


def _utc(stamp: Any) -> datetime | None:
    """`logged_at` (ISO, with offset) as a naive UTC timestamp."""
    try:
        parsed = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def history_rows(log: AlertLog) -> list[tuple[Any, ...]]:
    """The log's lines as table rows (one per channel of each attempt)."""
    rows = []
    for record in log.records():
        details = record.get("details") or {}
        unit = details.get("unit_code") if isinstance(details, dict) else None
        sent_at = _utc(record.get("logged_at"))
        common = (record["dedup_key"], record.get("kind") or "", record.get("month") or None, unit)
        deliveries = record.get("deliveries") or {}
        if not deliveries:
            rows.append((*common, "log", None, sent_at, "logged", int(record.get("attempt") or 1),
                         record.get("severity"), record.get("subject"), None))
            continue
        for channel, result in deliveries.items():
            ok = bool(isinstance(result, dict) and result.get("ok"))
            rows.append((
                *common, channel, (result or {}).get("target"), sent_at, "sent" if ok else "failed",
                int(record.get("attempt") or 1), record.get("severity"), record.get("subject"),
                None if ok else (result or {}).get("error"),
            ))  # fmt: skip
    return rows


def sync_alert_history(con: duckdb.DuckDBPyConnection, log: AlertLog) -> int:
    """Insert the log's rows the table does not have yet; returns how many were inserted."""
    ensure_alerts_table(con)
    rows = history_rows(log)
    if not rows:
        return 0
    names = [name for name, _ in COLUMNS]
    con.execute(f"create or replace temp table alerts_incoming as select * from {TABLE} limit 0")
    con.executemany(
        f"insert into alerts_incoming ({', '.join(names)}) values ({', '.join('?' for _ in names)})", rows
    )
    before = con.execute(f"select count(*) from {TABLE}").fetchone()[0]
    con.execute(
        f"""
        insert into {TABLE}
        select distinct i.* from alerts_incoming i
        where not exists (
            select 1 from {TABLE} a
            where a.dedup_key = i.dedup_key and a.attempt = i.attempt and a.channel = i.channel
        )
        """
    )
    con.execute("drop table alerts_incoming")
    return int(con.execute(f"select count(*) from {TABLE}").fetchone()[0] - before)
