"""Failed checks and failed runs, from real in-process runs recorded in a real Dagster instance,
through the real sensors, to a real HTTP server (WeCom / DingTalk robots) and a real SMTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from pathlib import Path

import dagster as dg
import pytest

from pipelines.alerts.sensors import check_failure_alerts, run_failure_alerts
from pipelines.ingest.errors import InputFileError
from pipelines.partitions import monthly_partitions
from tests.alerts.conftest import (
    DINGTALK_SECRET,
    SMTP_PASSWORD,
    SMTP_USER,
    WEBHOOK_KEY,
    assert_no_secret,
    configure_channels,
)

# slow: materializes assets through Dagster (make test-fast leaves it out)
pytestmark = pytest.mark.slow

MONTH = "2021-02"


@dg.asset(key=["raw", "probe_orders"], partitions_def=monthly_partitions)
def probe_orders() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows_read": 10})


@dg.asset_check(asset=probe_orders, name="orders_dispatched_after_received", blocking=False)
def dispatched_after_received() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        description="3 orders dispatched before they were received",
        metadata={"failed_rows": 3, "sample_ids": "GD0001, GD0002, GD0003"},
    )


@dg.asset(key=["raw", "probe_units"], partitions_def=monthly_partitions)
def probe_units() -> None:
    return None


@dg.asset_check(asset=probe_units, name="unit_codes_unique", blocking=True)
def unit_codes_unique() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, metadata={"duplicates": 2})


@dg.asset(key=["raw", "probe_broken"], partitions_def=monthly_partitions)
def probe_broken() -> None:
    raise InputFileError(
        Path("/landing/2021-02/orders.csv"),
        "the required input 'orders' (工单) for 2021-02 is missing",
        "put the export in /landing/2021-02/ as orders.csv",
    )


def _materialize(instance: dg.DagsterInstance, *assets_and_checks) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        list(assets_and_checks), partition_key=MONTH, instance=instance, raise_on_error=False
    )


def _tick(sensor: dg.SensorDefinition, instance, resources, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
    return sensor.evaluate_tick(context)


def _log_lines(alert_log: Path) -> list[dict]:
    return [json.loads(line) for line in alert_log.read_text(encoding="utf-8").splitlines() if line]


def test_a_failed_non_blocking_check_is_sent_once_to_wecom_and_email(
    monkeypatch, http_server, smtp_server, instance, resources, alert_log, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    url = configure_channels(monkeypatch, http_server, smtp_server, "wecom")

    result = _materialize(instance, probe_orders, dispatched_after_received)
    # the run succeeds: a run-failure sensor alone would never see this check
    assert result.success

    first = _tick(check_failure_alerts, instance, resources, None)
    assert len(http_server.requests) == 1
    request = http_server.requests[0]
    assert request.path == "/cgi-bin/webhook/send"
    assert request.query == {"key": [WEBHOOK_KEY]}
    assert request.body["msgtype"] == "markdown"
    assert set(request.body) == {"msgtype", "markdown"}
    assert set(request.body["markdown"]) == {"content"}
    content = request.body["markdown"]["content"]
    assert "检查未通过" in content
    assert "raw/probe_orders · orders_dispatched_after_received" in content
    assert MONTH in content
    assert "failed_rows**: 3" in content
    assert "GD0001, GD0002, GD0003" in content
    assert len(content.encode("utf-8")) <= 4096

    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail.auth == (SMTP_USER, SMTP_PASSWORD)  # the server got the password; nothing else did
    assert mail.mail_from == "hotline@center.example"
    assert mail.rcpt_tos == ["duty@center.example", "lead@center.example"]
    message = mail.message
    assert message["Subject"].startswith("【12345绩效通报】2021-02 检查未通过：raw/probe_orders")
    body = message.get_content()
    assert "orders_dispatched_after_received" in body
    assert "3 orders dispatched before they were received" in body
    assert "dedup_key: check_failed|2021-02|raw/probe_orders|orders_dispatched_after_received" in body

    # the sensor ticks again: nothing new
    second = _tick(check_failure_alerts, instance, resources, first.cursor)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1

    # the month is run again and the same check fails again: still sent once
    assert _materialize(instance, probe_orders, dispatched_after_received).success
    _tick(check_failure_alerts, instance, resources, second.cursor)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1

    lines = _log_lines(alert_log)
    assert len(lines) == 1
    line = lines[0]
    assert line["kind"] == "check_failed" and line["month"] == MONTH and line["status"] == "sent"
    assert line["source"]["run_id"] == result.run_id
    assert line["deliveries"]["webhook"]["ok"] and line["deliveries"]["email"]["ok"]
    assert line["deliveries"]["webhook"]["target"] == f"webhook[wecom] http://127.0.0.1:{http_server.port}/***"

    log_text = alert_log.read_text(encoding="utf-8")
    captured = capsys.readouterr()
    # the sensor's log (Dagster writes it to stderr here) names the channels, masked
    assert f"sent via webhook[wecom] http://127.0.0.1:{http_server.port}/***" in captured.err
    assert "sent via email smtp://127.0.0.1" in captured.err
    assert_no_secret(log_text, caplog.text, captured.out, captured.err)
    assert url not in captured.err


def test_a_failed_blocking_check_is_an_error(monkeypatch, http_server, smtp_server, instance, resources):
    configure_channels(monkeypatch, http_server, smtp_server, "json")
    result = _materialize(instance, probe_units, unit_codes_unique)
    assert not result.success

    _tick(check_failure_alerts, instance, resources, None)
    assert len(http_server.requests) == 1
    body = http_server.requests[0].body
    assert body["count"] == 1
    alert = body["alerts"][0]
    assert alert["kind"] == "check_failed"
    assert alert["severity"] == "error"
    assert alert["details"]["blocking"] is True
    assert alert["details"]["metadata.duplicates"] == 2
    assert alert["subject"].endswith("（阻断）")
    assert alert["dedup_key"] == "check_failed|2021-02|raw/probe_units|unit_codes_unique"


def test_a_failed_run_is_sent_once_to_dingtalk_and_email(
    monkeypatch, http_server, smtp_server, instance, resources, alert_log, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    configure_channels(monkeypatch, http_server, smtp_server, "dingtalk")

    # a run-status sensor starts from the newest run event: its first tick sets the cursor
    start = _tick(run_failure_alerts, instance, resources, None)
    result = _materialize(instance, probe_broken)
    assert not result.success

    first = _tick(run_failure_alerts, instance, resources, start.cursor)
    assert len(http_server.requests) == 1
    request = http_server.requests[0]
    assert request.path == "/robot/send"
    assert request.query["access_token"] == [WEBHOOK_KEY]
    # DingTalk 加签: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret"))
    timestamp = request.query["timestamp"][0]
    to_sign = f"{timestamp}\n{DINGTALK_SECRET}".encode()
    expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), to_sign, hashlib.sha256).digest()).decode()
    assert request.query["sign"] == [expected]
    assert request.body["msgtype"] == "markdown"
    assert set(request.body["markdown"]) == {"title", "text"}
    assert request.body["markdown"]["title"].startswith("【12345绩效通报】2021-02 运行失败：")
    text = request.body["markdown"]["text"]
    assert "raw__probe_broken" in text
    assert "the required input 'orders' (工单) for 2021-02 is missing" in text
    assert result.run_id in text

    assert len(smtp_server.messages) == 1
    assert "运行失败" in smtp_server.messages[0].message["Subject"]
    mail_body = smtp_server.messages[0].message.get_content()
    assert "put the export in /landing/2021-02/ as orders.csv" in mail_body

    # another tick: nothing; the same month fails again for the same reason: not sent again
    second = _tick(run_failure_alerts, instance, resources, first.cursor)
    assert not _materialize(instance, probe_broken).success
    _tick(run_failure_alerts, instance, resources, second.cursor)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1

    lines = [json.loads(line) for line in alert_log.read_text(encoding="utf-8").splitlines()]
    assert [line["kind"] for line in lines] == ["run_failed"]
    assert lines[0]["source"]["run_id"] == result.run_id
    captured = capsys.readouterr()
    assert "sent via webhook[dingtalk]" in captured.err
    assert_no_secret(alert_log.read_text(encoding="utf-8"), caplog.text, captured.out, captured.err)


def test_a_robot_that_refuses_is_retried_on_the_next_tick(
    monkeypatch, http_server, smtp_server, instance, resources, alert_log
):
    configure_channels(monkeypatch, http_server, smtp_server, "wecom")
    http_server.reply = {"errcode": 93000, "errmsg": "invalid webhook url"}
    _materialize(instance, probe_orders, dispatched_after_received)

    first = _tick(check_failure_alerts, instance, resources, None)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1
    line = json.loads(alert_log.read_text(encoding="utf-8").splitlines()[0])
    assert line["status"] == "partial"
    assert "errcode 93000" in line["deliveries"]["webhook"]["error"]

    # the robot works again: the next tick sends the webhook only (email already has it)
    http_server.reply = {"errcode": 0, "errmsg": "ok"}
    second = _tick(check_failure_alerts, instance, resources, first.cursor)
    assert len(http_server.requests) == 2 and len(smtp_server.messages) == 1
    _tick(check_failure_alerts, instance, resources, second.cursor)
    assert len(http_server.requests) == 2
    statuses = [json.loads(text)["status"] for text in alert_log.read_text(encoding="utf-8").splitlines()]
    assert statuses == ["partial", "sent"]


@pytest.mark.parametrize("webhook_format", ["json", "wecom", "dingtalk"])
def test_several_failed_checks_of_a_tick_make_one_message_per_channel(
    webhook_format, monkeypatch, http_server, smtp_server, instance, resources, alert_log
):
    configure_channels(monkeypatch, http_server, smtp_server, webhook_format)
    _materialize(instance, probe_orders, dispatched_after_received)
    _materialize(instance, probe_units, unit_codes_unique)

    _tick(check_failure_alerts, instance, resources, None)
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1
    assert "2 条告警" in smtp_server.messages[0].message["Subject"]
    assert len(alert_log.read_text(encoding="utf-8").splitlines()) == 2
    payload = json.dumps(http_server.requests[0].body, ensure_ascii=False)
    assert "orders_dispatched_after_received" in payload and "unit_codes_unique" in payload
