"""Channels, settings, redaction and the dispatcher, against real servers on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pipelines.alerts.channels import webhook_payload
from pipelines.alerts.dispatch import AlertDispatcher
from pipelines.alerts.model import Alert, AlertKind, dedup_key
from pipelines.alerts.redact import Redactor, mask_url
from pipelines.alerts.settings import AlertSettings, AlertSettingsError
from tests.alerts.conftest import (
    SMTP_PASSWORD,
    SMTP_USER,
    WEBHOOK_KEY,
    assert_no_secret,
    configure_channels,
    server_tls_context,
)
from tests.alerts.servers import SmtpRecorder, free_port


def _alert(unit: str = "LYG0101", month: str = "2021-02", **details) -> Alert:
    return Alert(
        kind=AlertKind.UPTIME_BELOW_TARGET,
        month=month,
        subject=f"{month} {unit} 接口稳定性 97.50%，低于目标 99%",
        details={"unit_code": unit, "uptime_rate": 97.5, **details},
        source={"asset": "intermediate/int_county_data_quality"},
        key=dedup_key(AlertKind.UPTIME_BELOW_TARGET, month, unit),
    )


def _settings(output: Path) -> AlertSettings:
    return AlertSettings.from_env(output_dir=output)


# -- settings --------------------------------------------------------------------------------------
def test_defaults_without_any_env(tmp_path):
    settings = _settings(tmp_path)
    assert settings.log_path == tmp_path / "alerts.jsonl"
    assert settings.webhook is None and settings.email is None
    t = settings.thresholds
    assert (t.orders_change_pct, t.orders_min, t.satisfaction_change_points) == (50, 20, 5)
    assert (t.uptime_target, t.quarantine_share_pct) == (None, 1)


def test_the_webhook_format_is_inferred_from_the_host_or_chosen(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WEBHOOK_KEY}")
    assert _settings(tmp_path).webhook.format == "wecom"
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", f"https://oapi.dingtalk.com/robot/send?access_token={WEBHOOK_KEY}")
    assert _settings(tmp_path).webhook.format == "dingtalk"
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_FORMAT", "json")
    assert _settings(tmp_path).webhook.format == "json"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "HOTLINE_ALERT_WEBHOOK_FORMAT",
            "slack",
            "HOTLINE_ALERT_WEBHOOK_FORMAT: Input should be 'json', 'wecom' or 'dingtalk', got 'slack'",
        ),
        (
            "HOTLINE_ALERT_ORDERS_CHANGE_PCT",
            "fifty",
            "HOTLINE_ALERT_ORDERS_CHANGE_PCT: Input should be a valid number.*got 'fifty'. "
            "Fix: a percentage, e.g. 50",
        ),
        (
            "HOTLINE_ALERT_SMTP_STARTTLS",
            "maybe",
            "HOTLINE_ALERT_SMTP_STARTTLS: Input should be a valid boolean.*Fix: 1 or 0",
        ),
        (
            "HOTLINE_ALERT_EXPORTS_DUE_DAY",
            "31",
            "HOTLINE_ALERT_EXPORTS_DUE_DAY: Input should be less than or equal to 28, got '31'. "
            "Fix: a whole day of the next month 1-28",
        ),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:9/hook?key={WEBHOOK_KEY}")
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HOTLINE_ALERT_EMAIL_TO", "duty@center.example")
    monkeypatch.setenv(name, value)
    with pytest.raises(AlertSettingsError, match=message) as raised:
        _settings(tmp_path)
    assert WEBHOOK_KEY not in str(raised.value)


def test_a_webhook_url_that_is_not_http_is_refused_without_echoing_it(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", f"ftp://robots.example/{WEBHOOK_KEY}")
    with pytest.raises(AlertSettingsError) as raised:
        _settings(tmp_path)
    assert WEBHOOK_KEY not in str(raised.value)


def test_email_needs_recipients_and_picks_the_usual_ports(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_HOST", "smtp.center.example")
    with pytest.raises(AlertSettingsError, match="HOTLINE_ALERT_EMAIL_TO"):
        _settings(tmp_path)
    monkeypatch.setenv("HOTLINE_ALERT_EMAIL_TO", "a@x.example, b@x.example")
    assert _settings(tmp_path).email.port == 25
    assert _settings(tmp_path).email.recipients == ("a@x.example", "b@x.example")
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_STARTTLS", "1")
    assert _settings(tmp_path).email.port == 587
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_STARTTLS", "0")
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_SSL", "1")
    assert _settings(tmp_path).email.port == 465
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_PASSWORD", SMTP_PASSWORD)
    assert _settings(tmp_path).email.password == SMTP_PASSWORD
    assert SMTP_PASSWORD not in repr(_settings(tmp_path))


# -- redaction -------------------------------------------------------------------------------------
def test_secrets_and_their_pieces_are_masked():
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WEBHOOK_KEY}"
    redact = Redactor([url, SMTP_PASSWORD, ""])
    assert mask_url(url) == "https://qyapi.weixin.qq.com/***"
    assert redact(f"posting to {url} failed") == "posting to https://qyapi.weixin.qq.com/*** failed"
    assert redact(f"key={WEBHOOK_KEY}") == "key=***"
    assert redact(f"login {SMTP_PASSWORD}!") == "login ***!"
    assert redact("nothing secret here") == "nothing secret here"


# -- payloads --------------------------------------------------------------------------------------
def test_the_robot_payloads_have_their_documented_shapes():
    alert = _alert()
    wecom = webhook_payload("wecom", [alert], "【P】")
    assert wecom == {"msgtype": "markdown", "markdown": {"content": wecom["markdown"]["content"]}}
    assert wecom["markdown"]["content"].startswith("### 【P】2021-02 LYG0101 接口稳定性")
    ding = webhook_payload("dingtalk", [alert], "【P】")
    assert set(ding) == {"msgtype", "markdown"} and ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == "【P】2021-02 LYG0101 接口稳定性 97.50%，低于目标 99%"
    assert "**uptime_rate**: 97.5" in ding["markdown"]["text"]
    # WeCom breaks at each newline; DingTalk's markdown needs blank lines between quoted lines
    assert "\n> **月份**: 2021-02\n> **unit_code**" in wecom["markdown"]["content"]
    assert "\n\n> **月份**: 2021-02\n\n> **unit_code**" in ding["markdown"]["text"]
    generic = webhook_payload("json", [alert], "【P】")
    assert generic["alerts"] == [alert.as_record()]
    assert generic["alerts"][0]["dedup_key"] == "uptime_below_target|2021-02|LYG0101"


def test_a_long_wecom_message_is_cut_under_its_limit():
    alerts = [_alert(f"U{i:03d}", note="很长的说明" * 40) for i in range(60)]
    content = webhook_payload("wecom", alerts, "")["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096
    assert content.endswith("完整内容见告警日志）")


# -- the dispatcher against real servers ------------------------------------------------------------
def test_without_channels_the_alert_log_is_written_once(tmp_path):
    dispatcher = AlertDispatcher(_settings(tmp_path))
    report = dispatcher.dispatch([_alert(), _alert()])
    assert len(report.recorded) == 1
    again = AlertDispatcher(_settings(tmp_path)).dispatch([_alert()])
    assert again.recorded == [] and len(again.duplicates) == 1
    [line] = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["status"] == "logged" and record["deliveries"] == {} and record["attempt"] == 1
    assert set(record) >= {"kind", "month", "subject", "details", "source", "dedup_key", "logged_at"}


def test_the_same_alert_for_another_month_is_another_alert(tmp_path):
    dispatcher = AlertDispatcher(_settings(tmp_path))
    assert len(dispatcher.dispatch([_alert(month="2021-02"), _alert(month="2021-03")]).recorded) == 2


def test_email_over_starttls_with_the_centers_ca(monkeypatch, tmp_path, tls_files, http_server):
    with SmtpRecorder(credentials=(SMTP_USER, SMTP_PASSWORD), tls=server_tls_context(tls_files)) as smtp:
        configure_channels(monkeypatch, http_server, smtp, "wecom")
        monkeypatch.setenv("HOTLINE_ALERT_SMTP_STARTTLS", "1")
        monkeypatch.setenv("HOTLINE_ALERT_SMTP_CA_FILE", str(tls_files[0]))
        report = AlertDispatcher(_settings(tmp_path)).dispatch([_alert()])
        assert report.failures == []
        [mail] = smtp.messages
        assert mail.tls and mail.auth == (SMTP_USER, SMTP_PASSWORD)
        assert mail.message["Subject"] == "【12345绩效通报】2021-02 LYG0101 接口稳定性 97.50%，低于目标 99%"
        assert mail.message["X-Hotline-Alert-Keys"] == "uptime_below_target|2021-02|LYG0101"


def test_a_server_without_the_ca_is_refused(monkeypatch, tmp_path, tls_files, http_server):
    with SmtpRecorder(credentials=(SMTP_USER, SMTP_PASSWORD), tls=server_tls_context(tls_files)) as smtp:
        configure_channels(monkeypatch, http_server, smtp, "wecom")
        monkeypatch.setenv("HOTLINE_ALERT_SMTP_STARTTLS", "1")  # the system CAs do not know it
        report = AlertDispatcher(_settings(tmp_path)).dispatch([_alert()])
        assert smtp.messages == []
        assert any("CERTIFICATE_VERIFY_FAILED" in failure for failure in report.failures)


def test_failed_deliveries_are_logged_without_secrets_and_retried(
    monkeypatch, tmp_path, http_server, smtp_server, caplog
):
    caplog.set_level(logging.INFO, logger="pipelines.alerts")
    configure_channels(monkeypatch, http_server, smtp_server, "wecom")
    dead_port = free_port()
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{dead_port}/send?key={WEBHOOK_KEY}")
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_PASSWORD", "wrong-" + SMTP_PASSWORD)
    monkeypatch.setenv("HOTLINE_ALERT_MAX_ATTEMPTS", "2")

    report = AlertDispatcher(_settings(tmp_path)).dispatch([_alert()])
    assert len(report.failures) == 2
    record = json.loads((tmp_path / "alerts.jsonl").read_text(encoding="utf-8"))
    assert record["status"] == "failed"
    assert "cannot reach the webhook" in record["deliveries"]["webhook"]["error"]
    assert "SMTP login refused" in record["deliveries"]["email"]["error"]
    assert record["deliveries"]["webhook"]["target"] == f"webhook[wecom] http://127.0.0.1:{dead_port}/***"

    # one more attempt (max 2), then no more
    AlertDispatcher(_settings(tmp_path)).retry_pending()
    AlertDispatcher(_settings(tmp_path)).retry_pending()
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["attempt"] for line in lines] == [1, 2]
    assert "alert delivery failed via webhook[wecom]" in caplog.text
    assert_no_secret("\n".join(lines), caplog.text)
    assert "wrong-" not in caplog.text
