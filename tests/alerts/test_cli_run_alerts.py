"""Alerts without the daemon: `hotline run` alone (a subprocess, as cron runs it) sends the month's
alerts to a real HTTP server on 127.0.0.1, once; the re-run sends nothing; the warehouse keeps the
history (`main.alerts`), the checks' and quarantine's numbers are on the materializations.

One tiny generated month (2021-01, scale 0.02) with 3 knowledge tasks without task_id appended:
60 + 3 rows read, 3 quarantined = 4.76 % > 1 % → one `quarantine_share` alert for knowledge_tasks.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.alerts.sensors import check_failure_alerts, indicator_anomaly_alerts
from pipelines.demo.generator import generate_month
from pipelines.resources import HotlineFiles, WarehouseResource
from pipelines.settings import CONFIG_DIR
from tests.alerts.conftest import WEBHOOK_KEY
from tests.alerts.servers import HttpRecorder, HttpRequestRecord
from tests.support.pipeline_run import HOTLINE, pipeline_env

MONTH = "2021-01"
BAD_TASKS = 3

pytestmark = pytest.mark.slow  # two whole `hotline run`s of a tiny month


@dataclass
class TwoRuns:
    root: Path
    first: subprocess.CompletedProcess
    second: subprocess.CompletedProcess
    first_requests: list[HttpRequestRecord]
    second_requests: list[HttpRequestRecord]


def _bad_knowledge_tasks(landing: Path) -> int:
    path = landing / MONTH / "knowledge_tasks.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = len(lines) - 1
    extra = [f",LYG0101,{MONTH}-20 17:30:00,{MONTH}-19 10:00:00" for _ in range(BAD_TASKS)]
    path.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    return rows


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoRuns]:
    root = tmp_path_factory.mktemp("cli_alerts")
    generate_month(MONTH, root / "landing", scale=0.02)
    assert _bad_knowledge_tasks(root / "landing") == 60
    env = {k: v for k, v in pipeline_env(root).items() if not k.startswith("HOTLINE_ALERT_")}
    with HttpRecorder() as server:
        env["HOTLINE_ALERT_WEBHOOK_URL"] = server.url(f"/hooks/{WEBHOOK_KEY}")
        command = [str(HOTLINE), "run", "--month", MONTH]
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        first_requests = list(server.requests)
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        second_requests = server.requests[len(first_requests):]
    yield TwoRuns(root, first, second, first_requests, second_requests)


def test_the_run_alone_sends_the_quarantine_alert_once(two_runs: TwoRuns) -> None:
    assert two_runs.first.returncode == 0, two_runs.first.stderr[-3000:]
    # one message (a digest when the month has several alerts), holding the quarantine alert
    assert len(two_runs.first_requests) == 1
    body = two_runs.first_requests[0].body
    shares = [a for a in body["alerts"] if a["kind"] == "quarantine_share"]
    assert [a["dedup_key"] for a in shares] == [f"quarantine_share|{MONTH}|knowledge_tasks"]
    details = shares[0]["details"]
    assert (details["rows_read"], details["rows_quarantined"]) == (63, 3)
    assert details["share_pct"] == 4.76  # 3 / 63
    assert details["rules"]["task_id.required"] == 3
    assert "alerts:" in two_runs.first.stderr


def test_the_rerun_sends_nothing(two_runs: TwoRuns) -> None:
    assert two_runs.second.returncode == 0, two_runs.second.stderr[-3000:]
    assert two_runs.second_requests == []
    assert "0 alert(s) recorded" in two_runs.second.stderr


def test_the_sensors_see_the_same_state(two_runs: TwoRuns, monkeypatch: pytest.MonkeyPatch) -> None:
    """The daemon's sensors, ticking after `hotline run`, find every alert already sent."""
    root = two_runs.root
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    monkeypatch.setenv("HOTLINE_OUTPUT", str(root / "output"))
    resources = {
        "files": HotlineFiles(
            landing_dir=str(root / "landing"),
            output_dir=str(root / "output"),
            rulebook_path=str(CONFIG_DIR / "rulebook.yaml"),
            bulletin_config_path=str(CONFIG_DIR / "bulletin.yaml"),
        ),
        "warehouse": WarehouseResource(database=str(root / "warehouse.duckdb")),
    }
    with HttpRecorder() as server, dg.DagsterInstance.get() as instance:
        monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", server.url(f"/hooks/{WEBHOOK_KEY}"))
        messages = [
            sensor.evaluate_tick(dg.build_sensor_context(instance=instance, resources=resources)).skip_message
            for sensor in (check_failure_alerts, indicator_anomaly_alerts)
        ]
        assert server.requests == []
    checks, anomalies = messages
    # the two runs' failed contract check of knowledge_tasks: one alert, already sent by the first run
    assert "2 finished run(s)" in checks and ", 2 failed; 0 alert(s) recorded, 1 already sent" in checks
    assert "evaluated 2021-01" in anomalies and "0 alert(s) recorded" in anomalies


def test_the_warehouse_keeps_the_history(two_runs: TwoRuns) -> None:
    con = duckdb.connect(str(two_runs.root / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select dedup_key, kind, month, channel, outcome, attempt from main.alerts"
            " where kind = 'quarantine_share'"
        ).fetchall()
        total = con.execute("select count(*), count(distinct dedup_key) from main.alerts").fetchone()
    finally:
        con.close()
    key = f"quarantine_share|{MONTH}|knowledge_tasks"
    assert rows == [(key, "quarantine_share", MONTH, "webhook", "sent", 1)]
    assert total[0] == total[1] == len(two_runs.first_requests[0].body["alerts"])  # the re-run added none


def test_history_checks_say_too_little_history_and_numbers_are_plotted(
    two_runs: TwoRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(two_runs.root / "dagster_home"))
    with dg.DagsterInstance.get() as instance:
        check_key = dg.AssetCheckKey(dg.AssetKey(["marts", "fct_unit_scores"]), "history_anomalies")
        record = instance.event_log_storage.get_latest_asset_check_execution_by_key([check_key])[check_key]
        evaluation = record.event.dagster_event.event_specific_data
        assert evaluation.passed
        assert evaluation.metadata["anomalies"].value == 0
        assert evaluation.metadata["judged"].value == 0
        assert "too little history: 0 of the 6" in evaluation.metadata["history"].value
        bulletin = instance.get_latest_materialization_event(dg.AssetKey("bulletin")).asset_materialization
        assert bulletin.metadata["checks_failed"].value == 0
        assert bulletin.metadata["checks_warned"].value >= 1  # knowledge_tasks' contract check
        assert bulletin.metadata["history_anomalies"].value == 0
        quarantine = instance.get_latest_materialization_event(
            dg.AssetKey(["raw", "quarantine"])
        ).asset_materialization
        assert quarantine.metadata["quarantine_share_pct_knowledge_tasks"].value == pytest.approx(4.7619)
