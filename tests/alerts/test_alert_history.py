"""The alerts' history in the warehouse (`main.alerts`): one row per attempt and channel, copied
from the alert log once, with the outcome of each delivery (a real HTTP server that first fails)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.alerts.alert_history import sync_alert_history
from pipelines.alerts.dispatch import AlertDispatcher
from pipelines.alerts.model import Alert, AlertKind, dedup_key
from pipelines.alerts.settings import AlertSettings
from tests.alerts.conftest import WEBHOOK_KEY


def _alert(code: str) -> Alert:
    return Alert(
        kind=AlertKind.HISTORY_ANOMALY,
        month="2022-03",
        subject=f"2022-03 {code} 工单数",
        details={"unit_code": code},
        key=dedup_key(AlertKind.HISTORY_ANOMALY, "2022-03", code, "orders"),
    )


def test_every_attempt_is_a_row_once(tmp_path: Path, http_server):
    env = {
        "HOTLINE_ALERT_LOG": str(tmp_path / "alerts.jsonl"),
        "HOTLINE_ALERT_WEBHOOK_URL": http_server.url(f"/hooks/{WEBHOOK_KEY}"),
    }
    dispatcher = AlertDispatcher(AlertSettings.from_env(env, output_dir=tmp_path))
    http_server.status = 500
    dispatcher.dispatch([_alert("LYG0102")])
    http_server.status = 200
    dispatcher.retry_pending()
    dispatcher.dispatch([_alert("LYG0101")])
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        assert sync_alert_history(con, dispatcher.log) == 3
        assert sync_alert_history(con, dispatcher.log) == 0  # already there
        rows = con.execute(
            "select dedup_key, kind, month, unit_code, channel, outcome, attempt, error is not null,"
            " target, sent_at is not null from main.alerts order by dedup_key, attempt"
        ).fetchall()
    finally:
        con.close()
    target = f"webhook[json] http://127.0.0.1:{http_server.port}/***"
    kind, month = "history_anomaly", "2022-03"
    one, two = f"{kind}|{month}|LYG0101|orders", f"{kind}|{month}|LYG0102|orders"
    assert rows == [
        (one, kind, month, "LYG0101", "webhook", "sent", 1, False, target, True),
        (two, kind, month, "LYG0102", "webhook", "failed", 1, True, target, True),
        (two, kind, month, "LYG0102", "webhook", "sent", 2, False, target, True),
    ]


def test_without_a_channel_the_log_is_the_channel(tmp_path: Path):
    dispatcher = AlertDispatcher(
        AlertSettings.from_env({"HOTLINE_ALERT_LOG": str(tmp_path / "a.jsonl")}, output_dir=tmp_path)
    )
    dispatcher.dispatch([_alert("LYG0102")])
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    try:
        sync_alert_history(con, dispatcher.log)
        assert con.execute("select channel, outcome from main.alerts").fetchall() == [("log", "logged")]
    finally:
        con.close()
