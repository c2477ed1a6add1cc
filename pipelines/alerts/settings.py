"""Alert channels and thresholds, from `HOTLINE_ALERT_*` env vars (every one is in docs/alerts.md).

Secrets (the webhook URL, which carries the robot's key; the DingTalk signing secret; the SMTP
password) are only ever read from the environment, at each sensor tick: they are not Dagster
config, so the UI never shows them, and `redact.Redactor` masks them in every log line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.alerts.baseline import HistorySettings
from pipelines.settings import Settings

WEBHOOK_FORMATS = ("json", "wecom", "dingtalk")
DEFAULT_SUBJECT_PREFIX = "【12345绩效通报】"

#: documented defaults of the anomaly thresholds
DEFAULT_ORDERS_CHANGE_PCT = 50.0
DEFAULT_ORDERS_MIN = 20
DEFAULT_SATISFACTION_CHANGE_POINTS = 5.0
DEFAULT_UPTIME_TARGET = 99.0
DEFAULT_QUARANTINE_SHARE_PCT = 1.0
#: a month's exports are due by this day of the next month (the monthly schedule's day)
DEFAULT_EXPORTS_DUE_DAY = 3


class AlertSettingsError(ValueError):
    """An alert env var has a value that cannot be used (the message names the variable)."""


@dataclass(frozen=True)
class WebhookSettings:
    url: str = field(repr=False)
    format: str = "json"
    #: DingTalk 加签 secret: the request URL then carries timestamp and sign
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    ssl: bool = False
    #: CA bundle to verify the server's certificate with (an intranet CA); default: the system's
    ca_file: str = ""


@dataclass(frozen=True)
class AnomalyThresholds:
    #: a unit's orders moving more than this many percent against the previous month
    orders_change_pct: float = DEFAULT_ORDERS_CHANGE_PCT
    #: ... considered only for units with at least this many orders in one of the two months
    orders_min: int = DEFAULT_ORDERS_MIN
    #: the platform's 回访满意率 moving more than this many percentage points
    satisfaction_change_points: float = DEFAULT_SATISFACTION_CHANGE_POINTS
    #: uptime target in percent; None: the rulebook's 接口稳定性 target of the month (99 if absent)
    uptime_target: float | None = None
    #: share of an input's rows quarantined above which to alert, in percent
    quarantine_share_pct: float = DEFAULT_QUARANTINE_SHARE_PCT


@dataclass(frozen=True)
class AlertSettings:
    log_path: Path
    webhook: WebhookSettings | None = None
    email: EmailSettings | None = None
    thresholds: AnomalyThresholds = field(default_factory=AnomalyThresholds)
    subject_prefix: str = DEFAULT_SUBJECT_PREFIX
    timeout_seconds: float = 10.0
    #: a delivery that failed is tried again on later ticks until this many attempts
    max_attempts: int = 3
    #: a sensor's first tick (no cursor yet) looks back this far for events
    lookback_hours: float = 24.0
    #: window and thresholds of the history rule
    history: HistorySettings = field(default_factory=HistorySettings)
    #: the routing file (unit_code or group → channel), None: every alert to the center's channels
    routing_path: Path | None = None
    #: day of month M+1 by which month M's exports must have landed (exports_missing)
    exports_due_day: int = DEFAULT_EXPORTS_DUE_DAY
    #: inputs expected besides the required ones (orders, units), by name
    expected_exports: tuple[str, ...] = ()

    @property
    def secrets(self) -> list[str]:
        values = []
        if self.webhook is not None:
            values += [self.webhook.url, self.webhook.secret]
        if self.email is not None:
            values.append(self.email.password)
        return [value for value in values if value]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, output_dir: Path | None = None
    ) -> AlertSettings:
        env = _Env(os.environ if environ is None else environ)
        if output_dir is None:
            output_dir = Settings.from_env().output_dir
        log_value = env.text("HOTLINE_ALERT_LOG")
        log_path = Path(log_value) if log_value else Path(output_dir) / "alerts.jsonl"
        if not log_path.is_absolute():
            log_path = Path.cwd() / log_path
        return cls(
            log_path=log_path,
            webhook=_webhook_from_env(env),
            email=_email_from_env(env),
            thresholds=AnomalyThresholds(
                orders_change_pct=env.number("HOTLINE_ALERT_ORDERS_CHANGE_PCT", DEFAULT_ORDERS_CHANGE_PCT),
                orders_min=int(env.number("HOTLINE_ALERT_ORDERS_MIN", DEFAULT_ORDERS_MIN)),
                satisfaction_change_points=env.number(
                    "HOTLINE_ALERT_SATISFACTION_CHANGE_POINTS", DEFAULT_SATISFACTION_CHANGE_POINTS
                ),
                uptime_target=env.number("HOTLINE_ALERT_UPTIME_TARGET", None),
                quarantine_share_pct=env.number(
                    "HOTLINE_ALERT_QUARANTINE_SHARE_PCT", DEFAULT_QUARANTINE_SHARE_PCT
                ),
            ),
            subject_prefix=env.raw("HOTLINE_ALERT_SUBJECT_PREFIX", DEFAULT_SUBJECT_PREFIX),
            timeout_seconds=env.number("HOTLINE_ALERT_TIMEOUT_SECONDS", 10.0),
            max_attempts=int(env.number("HOTLINE_ALERT_MAX_ATTEMPTS", 3)),
            lookback_hours=env.number("HOTLINE_ALERT_LOOKBACK_HOURS", 24.0),
            history=_history_from_env(env),
            routing_path=_optional_path(env.text("HOTLINE_ALERT_ROUTING")),
            exports_due_day=_due_day(env),
            expected_exports=tuple(
                part.strip() for part in env.text("HOTLINE_ALERT_EXPECTED_EXPORTS").split(",") if part.strip()
            ),
        )


def _optional_path(value: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path


def _due_day(env: _Env) -> int:
    day = env.number("HOTLINE_ALERT_EXPORTS_DUE_DAY", DEFAULT_EXPORTS_DUE_DAY)
    if day is None or day != int(day) or not 1 <= day <= 28:
        raise AlertSettingsError(f"HOTLINE_ALERT_EXPORTS_DUE_DAY must be a whole day 1-28, got {day!r}")
    return int(day)


def _history_from_env(env: _Env) -> HistorySettings:
    defaults = HistorySettings()

    def whole(name: str, default: int) -> int:
        value = env.number(name, default)
        if value is None or value != int(value) or value < 1:
            raise AlertSettingsError(f"{name} must be a whole number >= 1, got {value!r}")
        return int(value)

    try:
        return HistorySettings(
            window_months=whole("HOTLINE_ALERT_HISTORY_WINDOW_MONTHS", defaults.window_months),
            min_months=whole("HOTLINE_ALERT_HISTORY_MIN_MONTHS", defaults.min_months),
            holiday_years=whole("HOTLINE_ALERT_HISTORY_HOLIDAY_YEARS", defaults.holiday_years),
            sensitivity=env.number("HOTLINE_ALERT_HISTORY_SENSITIVITY", defaults.sensitivity),
            min_relative_spread_pct=env.number(
                "HOTLINE_ALERT_HISTORY_MIN_SPREAD_PCT", defaults.min_relative_spread_pct
            ),
            min_points_spread=env.number(
                "HOTLINE_ALERT_HISTORY_MIN_SPREAD_POINTS", defaults.min_points_spread
            ),
            min_orders=whole("HOTLINE_ALERT_HISTORY_MIN_ORDERS", defaults.min_orders),
        )
    except ValueError as error:
        raise AlertSettingsError(f"HOTLINE_ALERT_HISTORY_*: {error}") from None


def infer_webhook_format(url: str) -> str:
    """`wecom` for qyapi.weixin.qq.com, `dingtalk` for oapi.dingtalk.com, else `json`."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("qyapi.weixin.qq.com"):
        return "wecom"
    if host.endswith("dingtalk.com"):
        return "dingtalk"
    return "json"


def _webhook_from_env(env: _Env) -> WebhookSettings | None:
    url = env.text("HOTLINE_ALERT_WEBHOOK_URL")
    if not url:
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        # never echo the URL itself: it carries the robot's key
        raise AlertSettingsError("HOTLINE_ALERT_WEBHOOK_URL must be an http:// or https:// URL")
    fmt = (env.text("HOTLINE_ALERT_WEBHOOK_FORMAT") or infer_webhook_format(url)).lower()
    if fmt not in WEBHOOK_FORMATS:
        raise AlertSettingsError(
            f"HOTLINE_ALERT_WEBHOOK_FORMAT must be one of {', '.join(WEBHOOK_FORMATS)}, got {fmt!r}"
        )
    return WebhookSettings(url=url, format=fmt, secret=env.text("HOTLINE_ALERT_WEBHOOK_SECRET"))


def _email_from_env(env: _Env) -> EmailSettings | None:
    host = env.text("HOTLINE_ALERT_SMTP_HOST")
    if not host:
        return None
    recipients = tuple(
        part.strip()
        for part in env.text("HOTLINE_ALERT_EMAIL_TO").replace(";", ",").split(",")
        if part.strip()
    )
    if not recipients and not env.text("HOTLINE_ALERT_ROUTING"):
        # with a routing file, the SMTP server may serve the units' 联络员 only
        raise AlertSettingsError("HOTLINE_ALERT_SMTP_HOST is set but HOTLINE_ALERT_EMAIL_TO is empty")
    ssl = env.flag("HOTLINE_ALERT_SMTP_SSL")
    starttls = env.flag("HOTLINE_ALERT_SMTP_STARTTLS")
    if ssl and starttls:
        raise AlertSettingsError("set HOTLINE_ALERT_SMTP_SSL or HOTLINE_ALERT_SMTP_STARTTLS, not both")
    default_port = 465 if ssl else 587 if starttls else 25
    user = env.text("HOTLINE_ALERT_SMTP_USER")
    return EmailSettings(
        host=host,
        port=int(env.number("HOTLINE_ALERT_SMTP_PORT", default_port)),
        sender=env.text("HOTLINE_ALERT_EMAIL_FROM") or user or "hotline-bulletin@localhost",
        recipients=recipients,
        user=user,
        password=env.raw("HOTLINE_ALERT_SMTP_PASSWORD", ""),
        starttls=starttls,
        ssl=ssl,
        ca_file=env.text("HOTLINE_ALERT_SMTP_CA_FILE"),
    )


class _Env:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def raw(self, name: str, default: str) -> str:
        value = self._environ.get(name)
        return default if value is None or value == "" else value

    def text(self, name: str) -> str:
        return (self._environ.get(name) or "").strip()

    def number(self, name: str, default: float | None) -> float | None:
        value = self.text(name)
        if not value:
            return default
        try:
            return float(value)
        except ValueError:
            raise AlertSettingsError(f"{name} must be a number, got {value!r}") from None

    def flag(self, name: str) -> bool:
        value = self.text(name).lower()
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        raise AlertSettingsError(f"{name} must be 1/0 (true/false), got {value!r}")
