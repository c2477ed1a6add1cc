"""Where alerts go: a JSON webhook (generic, WeCom or DingTalk group robot) and SMTP email.

A channel sends one message for a batch of alerts (one alert: its own message; several: a digest),
so that a run with many failed checks does not hit a group robot's rate limit (WeCom: 20 a minute).
A failed delivery raises `ChannelError`; its text never contains a secret (the caller redacts).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol
from urllib.parse import quote_plus, urlsplit

from pipelines.alerts.model import (
    Alert,
    render_digest_markdown,
    render_digest_text,
    render_markdown,
    render_text,
)
from pipelines.alerts.redact import mask_url
from pipelines.alerts.settings import EmailSettings, WebhookSettings

#: WeCom caps markdown content at 4096 bytes; DingTalk accepts more, but a digest is kept readable
CONTENT_LIMITS = {"wecom": 4000, "dingtalk": 18000}
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ChannelError(RuntimeError):
    """A delivery failed (the message says why, without secrets)."""


class Channel(Protocol):
    name: str

    def describe(self) -> str: ...

    def send(self, alerts: list[Alert], subject_prefix: str) -> None: ...


def message_subject(alerts: list[Alert], subject_prefix: str) -> str:
    if len(alerts) == 1:
        return f"{subject_prefix}{alerts[0].subject}"
    months = sorted({alert.month for alert in alerts if alert.month})
    when = f"（{'、'.join(months)}）" if months else ""
    return f"{subject_prefix}{len(alerts)} 条告警{when}：{alerts[0].subject} 等"


def _truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    marker = "\n……（内容过长，已截断，完整内容见告警日志）"
    room = limit - len(marker.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + marker


def webhook_payload(fmt: str, alerts: list[Alert], subject_prefix: str) -> dict[str, Any]:
    """The JSON body: generic, WeCom (`markdown.content`) or DingTalk (`markdown.title` / `.text`)."""
    subject = message_subject(alerts, subject_prefix)
    if fmt == "json":
        return {
            "source": "hotline-bulletin",
            "subject": subject,
            "count": len(alerts),
            "alerts": [alert.as_record() for alert in alerts],
        }
    line_break = "\n\n" if fmt == "dingtalk" else "\n"
    if len(alerts) == 1:
        markdown = render_markdown(alerts[0], line_break)
        markdown = markdown.replace("### ", f"### {subject_prefix}", 1)
    else:
        markdown = render_digest_markdown(alerts, line_break=line_break)
        markdown = markdown.replace("## ", f"## {subject_prefix}", 1)
    markdown = _truncate_utf8(markdown, CONTENT_LIMITS[fmt])
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": markdown}}
    raise ValueError(f"unknown webhook format {fmt!r}")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: `&timestamp=…&sign=…` with sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(digest))
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: WebhookSettings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout

    def describe(self) -> str:
        return f"webhook[{self.settings.format}] {mask_url(self.settings.url)}"

    def _opener(self) -> urllib.request.OpenerDirector:
        if (urlsplit(self.settings.url).hostname or "") in _LOOPBACK_HOSTS:
            return urllib.request.build_opener(urllib.request.ProxyHandler({}))
        return urllib.request.build_opener()

    def send(self, alerts: list[Alert], subject_prefix: str) -> None:
        payload = webhook_payload(self.settings.format, alerts, subject_prefix)
        url = self.settings.url
        if self.settings.format == "dingtalk" and self.settings.secret:
            url = dingtalk_signed_url(url, self.settings.secret, int(time.time() * 1000))
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                body = response.read(65536)
        except urllib.error.HTTPError as error:
            raise ChannelError(f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ChannelError(f"cannot reach the webhook: {reason}") from None
        _check_robot_answer(body)


def _check_robot_answer(body: bytes) -> None:
    """WeCom and DingTalk answer HTTP 200 with {"errcode": n, "errmsg": …}; n ≠ 0 is a failure."""
    try:
        answer = json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0, "0"):
        raise ChannelError(f"the robot refused the message: errcode {answer.get('errcode')}: "
                           f"{answer.get('errmsg', '')}")


class EmailChannel:
    name = "email"

    def __init__(self, settings: EmailSettings, timeout: float) -> None:
        self.settings = settings
        self.timeout = timeout

    def describe(self) -> str:
        s = self.settings
        security = "ssl" if s.ssl else "starttls" if s.starttls else "plain"
        return f"email smtp://{s.host}:{s.port} ({security}) → {', '.join(s.recipients)}"

    def build_message(self, alerts: list[Alert], subject_prefix: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = message_subject(alerts, subject_prefix)
        message["From"] = self.settings.sender
        message["To"] = ", ".join(self.settings.recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="hotline-bulletin")
        message["X-Hotline-Alert-Keys"] = " ".join(alert.key.replace(" ", "_") for alert in alerts)[:900]
        body = render_text(alerts[0]) if len(alerts) == 1 else render_digest_text(alerts, limit=200)
        message.set_content(body, charset="utf-8")
        return message

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file or None)

    def send(self, alerts: list[Alert], subject_prefix: str) -> None:
        s = self.settings
        message = self.build_message(alerts, subject_prefix)
        try:
            if s.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=self.timeout, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if s.starttls:
                    smtp.starttls(context=self._tls_context())
                    smtp.ehlo()
                if s.user:
                    smtp.login(s.user, s.password)
                smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as error:
            raise ChannelError(f"SMTP login refused for user {s.user!r} (code {error.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as error:
            reason = f"{type(error).__name__}: {error}"
            raise ChannelError(f"SMTP delivery to {s.host}:{s.port} failed: {reason}") from None
