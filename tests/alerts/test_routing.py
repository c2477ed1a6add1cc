"""Routing by owner: the routing file (validated), a unit's alerts to the unit's robot or 联络员,
the center's one digest, the report-card hook; real HTTP and SMTP servers on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.alerts.dispatch import AlertDispatcher
from pipelines.alerts.model import Alert, AlertKind, dedup_key
from pipelines.alerts.routing import RoutingError, load_routing
from pipelines.alerts.settings import AlertSettings
from tests.alerts.conftest import SMTP_PASSWORD, SMTP_USER, assert_no_secret
from tests.alerts.servers import HttpRecorder

UNIT_KEY = "unit-SECRET-robot-key-4471"
MONTH = "2022-03"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alert_routing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("routes:\n  LYG0101: {email: duty-at-county}\n",
         "routes.LYG0101.email: 'duty-at-county' is not an email address (write name@host.example)"),
        ("routes:\n  LYG0101: {webhook: 'ftp://robot.example/key-123456'}\n",
         "routes.LYG0101.webhook: must be the robot's http:// or https:// URL"),
        ("routes:\n  LYG0101: {name: 东海县}\n",
         "routes.LYG0101: a route needs a `webhook` (group robot URL) or an `email` list"),
        ("routes:\n  LYG0101: {email: a@b.example, phone: 123}\n",
         "routes.LYG0101: unknown key 'phone'. Fix: remove it or correct its spelling; allowed keys here: "
         "name, webhook, format, secret, email"),
        ("routes:\n  LYG0101: {webhook: 'https://robot.example/k', format: slack}\n",
         "routes.LYG0101.format: Input should be 'json', 'wecom' or 'dingtalk', got 'slack'. "
         "Fix: json, wecom or dingtalk"),
        ("routes:\n  东海 县: {email: a@b.example}\n",
         "routes: '东海 县' is neither a unit_code (letters, digits, - and _) nor a group"),
        ("route:\n  LYG0101: {email: a@b.example}\n", "yaml: unknown key 'route'. Fix: remove it or correct"),
        ("- a list\n", "expected a mapping with `routes:` at the top level"),
    ],
)
def test_the_routing_file_is_validated_with_clear_messages(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(RoutingError) as raised:
        load_routing(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
    assert "ftp://robot.example/key-123456" not in str(raised.value)  # a robot URL is never echoed


def test_a_missing_routing_file_says_how_to_fix_it(tmp_path):
    with pytest.raises(RoutingError, match="routing file not found .*HOTLINE_ALERT_ROUTING"):
        load_routing(tmp_path / "nope.yaml")


def _unit_alert(kind: str, code: str, group: str, name: str, *parts: str) -> Alert:
    return Alert(
        kind=kind,
        month=MONTH,
        subject=f"{MONTH} {name} {kind}",
        details={"unit_code": code, "unit_name": name, "unit_group": group},
        key=dedup_key(kind, MONTH, code, *parts),
    )


ALERTS = [
    _unit_alert(AlertKind.HISTORY_ANOMALY, "LYG0102", "县区", "灌云县", "orders"),
    _unit_alert(AlertKind.UPTIME_BELOW_TARGET, "LYG0101", "县区", "东海县"),
    _unit_alert(AlertKind.HISTORY_ANOMALY, "LYG0399", "市级部门及单位", "市新单位", "orders"),
    Alert(kind=AlertKind.QUARANTINE_SHARE, month=MONTH, subject=f"{MONTH} orders 隔离",
          details={"input": "orders"}, key=dedup_key(AlertKind.QUARANTINE_SHARE, MONTH, "orders")),
]  # fmt: skip


def test_a_units_alerts_reach_the_unit_and_the_center_gets_one_digest(
    tmp_path, http_server, smtp_server, capsys
):
    with HttpRecorder() as unit_robot:
        unit_url = unit_robot.url(f"/cgi-bin/webhook/send?key={UNIT_KEY}")
        routing = _write(
            tmp_path,
            f"routes:\n"
            f"  LYG0102: {{name: 灌云县, webhook: '{unit_url}', format: wecom}}\n"
            f"  县区: {{email: [lly@county.example]}}\n",
        )
        env = {
            "HOTLINE_ALERT_LOG": str(tmp_path / "alerts.jsonl"),
            "HOTLINE_ALERT_ROUTING": str(routing),
            "HOTLINE_ALERT_WEBHOOK_URL": http_server.url("/hooks/center"),
            "HOTLINE_ALERT_SMTP_HOST": "127.0.0.1",
            "HOTLINE_ALERT_SMTP_PORT": str(smtp_server.port),
            "HOTLINE_ALERT_SMTP_USER": SMTP_USER,
            "HOTLINE_ALERT_SMTP_PASSWORD": SMTP_PASSWORD,
        }
        dispatcher = AlertDispatcher(AlertSettings.from_env(env, output_dir=tmp_path))
        report = dispatcher.dispatch(ALERTS)
        again = AlertDispatcher(AlertSettings.from_env(env, output_dir=tmp_path)).dispatch(ALERTS)

        # the center (no EMAIL_TO: its webhook only): one digest with the 4 alerts
        assert len(http_server.requests) == 1 and http_server.requests[0].body["count"] == 4
        # 灌云县's robot: its own alert only, as WeCom markdown
        assert len(unit_robot.requests) == 1
        content = unit_robot.requests[0].body["markdown"]["content"]
        assert "灌云县" in content and "东海县" not in content and "市新单位" not in content
        # 东海县 has no route of its own: its group's 联络员 get it by email; 市新单位's group has none
        assert len(smtp_server.messages) == 1
        mail = smtp_server.messages[0]
        assert mail.rcpt_tos == ["lly@county.example"]
        assert mail.message["X-Hotline-Alert-Keys"] == f"uptime_below_target|{MONTH}|LYG0101"
    assert len(report.recorded) == 4 and len(again.recorded) == 0 and len(again.duplicates) == 4
    log_text = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in log_text.splitlines()]
    channels = {r["dedup_key"]: sorted(r["deliveries"]) for r in records}
    assert channels[f"history_anomaly|{MONTH}|LYG0102|orders"] == ["route:LYG0102:webhook", "webhook"]
    assert channels[f"uptime_below_target|{MONTH}|LYG0101"] == ["route:县区:email", "webhook"]
    assert channels[f"quarantine_share|{MONTH}|orders"] == ["webhook"]
    captured = capsys.readouterr()
    for text in ((tmp_path / "alerts.jsonl").read_text(encoding="utf-8"), captured.out, captured.err):
        assert UNIT_KEY not in text
        assert_no_secret(text)


def test_report_cards_go_to_the_unit_only(tmp_path, http_server):
    """The hook for the report cards: an alert of kind report_card reaches the unit's route only."""
    with HttpRecorder() as unit_robot:
        routing = _write(tmp_path, f"routes:\n  LYG0102: {{webhook: '{unit_robot.url('/hook')}'}}\n")
        env = {
            "HOTLINE_ALERT_LOG": str(tmp_path / "alerts.jsonl"),
            "HOTLINE_ALERT_ROUTING": str(routing),
            "HOTLINE_ALERT_WEBHOOK_URL": http_server.url("/hooks/center"),
        }
        dispatcher = AlertDispatcher(AlertSettings.from_env(env, output_dir=tmp_path))
        assert dispatcher.routing.route_key("LYG0102", "县区") == "LYG0102"
        assert dispatcher.routing.route_key("LYG0101", "县区") is None
        card = _unit_alert(AlertKind.REPORT_CARD, "LYG0102", "县区", "灌云县")
        dispatcher.dispatch([card])
        assert len(unit_robot.requests) == 1
        assert unit_robot.requests[0].body["alerts"][0]["kind"] == "report_card"
    assert http_server.requests == []


def test_an_email_route_needs_an_smtp_server(tmp_path):
    routing = _write(tmp_path, "routes:\n  县区: {email: lly@county.example}\n")
    env = {"HOTLINE_ALERT_ROUTING": str(routing)}
    with pytest.raises(RoutingError, match=r"routes\.县区\.email: no SMTP server .*HOTLINE_ALERT_SMTP_HOST"):
        AlertDispatcher(AlertSettings.from_env(env, output_dir=tmp_path))
