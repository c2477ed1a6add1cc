"""Alert channels and thresholds, from `HOTLINE_ALERT_*` env vars (every one is in docs/alerts.md).

The variables are validated by a pydantic model (`AlertEnvironment`): a wrong value raises
AlertSettingsError naming the variable, the problem and the fix.

Secrets (the webhook URL, which carries the robot's key; the DingTalk signing secret; the SMTP
password) are only ever read from the environment, at each sensor tick: they are not Dagster
config, so the UI never shows them, and `redact.Redactor` masks them in every log line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipelines.alerts.baseline import HistorySettings
from pipelines.config_errors import describe, dotted
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
        """The settings of the HOTLINE_ALERT_* variables of `environ` (default: the process's);
        AlertSettingsError names the variable, the problem and the fix (never a secret's value)."""
        env = AlertEnvironment.read(os.environ if environ is None else environ)
        if output_dir is None:
            output_dir = Settings.from_env().output_dir
        log_path = Path(env.log) if env.log else Path(output_dir) / "alerts.jsonl"
        if not log_path.is_absolute():
            log_path = Path.cwd() / log_path
        return cls(
            log_path=log_path,
            webhook=env.webhook(),
            email=env.email(),
            thresholds=AnomalyThresholds(
                orders_change_pct=env.orders_change_pct,
                orders_min=env.orders_min,
                satisfaction_change_points=env.satisfaction_change_points,
                uptime_target=env.uptime_target,
                quarantine_share_pct=env.quarantine_share_pct,
            ),
            subject_prefix=env.subject_prefix,
            timeout_seconds=env.timeout_seconds,
            max_attempts=env.max_attempts,
            lookback_hours=env.lookback_hours,
            history=HistorySettings(
                window_months=env.history_window_months,
                min_months=env.history_min_months,
                holiday_years=env.history_holiday_years,
                sensitivity=env.history_sensitivity,
                min_relative_spread_pct=env.history_min_spread_pct,
                min_points_spread=env.history_min_spread_points,
                min_orders=env.history_min_orders,
            ),
            routing_path=_optional_path(env.routing),
            exports_due_day=env.exports_due_day,
            expected_exports=tuple(part.strip() for part in env.expected_exports.split(",") if part.strip()),
        )


def _optional_path(value: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else Path.cwd() / path


def infer_webhook_format(url: str) -> str:
    """`wecom` for qyapi.weixin.qq.com, `dingtalk` for oapi.dingtalk.com, else `json`."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("qyapi.weixin.qq.com"):
        return "wecom"
    if host.endswith("dingtalk.com"):
        return "dingtalk"
    return "json"


#: variables whose value is kept as given (blanks included); every other one is stripped
_VERBATIM = ("HOTLINE_ALERT_SMTP_PASSWORD", "HOTLINE_ALERT_SUBJECT_PREFIX")
_HISTORY = HistorySettings()
WholeNumber = Annotated[int, Field(ge=1)]


def _var(name: str, default: Any, description: str, **constraints: Any) -> Any:
    return Field(default, alias=f"HOTLINE_ALERT_{name}", description=description, **constraints)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


class AlertEnvironment(BaseModel):
    """The HOTLINE_ALERT_* env vars (docs/alerts.md), validated; an unset or empty one takes its default."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    log: str = _var("LOG", "", "the alert log file (default <output>/alerts.jsonl)")
    webhook_url: str = _var(
        "WEBHOOK_URL", "", "the center's group robot URL, starting with http:// or https://", repr=False
    )
    webhook_format: Annotated[Literal["json", "wecom", "dingtalk"] | None, BeforeValidator(_lower)] = _var(
        "WEBHOOK_FORMAT", None, "json, wecom or dingtalk (unset: from the URL's host)"
    )
    webhook_secret: str = _var("WEBHOOK_SECRET", "", "the DingTalk 加签 secret (SEC…)", repr=False)
    smtp_host: str = _var("SMTP_HOST", "", "the SMTP server's host name")
    smtp_port: int | None = _var(
        "SMTP_PORT", None, "the SMTP port, 1-65535 (unset: 465 ssl, 587 starttls, 25)", ge=1, le=65535
    )
    smtp_user: str = _var("SMTP_USER", "", "the SMTP login")
    smtp_password: str = _var("SMTP_PASSWORD", "", "the SMTP password", repr=False)
    smtp_ssl: bool = _var("SMTP_SSL", False, "1 or 0 (true or false)")
    smtp_starttls: bool = _var("SMTP_STARTTLS", False, "1 or 0 (true or false)")
    smtp_ca_file: str = _var("SMTP_CA_FILE", "", "a CA bundle file (an intranet CA)")
    email_from: str = _var("EMAIL_FROM", "", "the sender address (default: the SMTP user)")
    email_to: str = _var("EMAIL_TO", "", "the center's recipients, separated by , or ;")
    subject_prefix: str = _var("SUBJECT_PREFIX", DEFAULT_SUBJECT_PREFIX, "the subject's prefix")
    orders_change_pct: float = _var(
        "ORDERS_CHANGE_PCT", DEFAULT_ORDERS_CHANGE_PCT, "a percentage, e.g. 50", ge=0
    )
    orders_min: int = _var("ORDERS_MIN", DEFAULT_ORDERS_MIN, "a whole number of orders, e.g. 20", ge=0)
    satisfaction_change_points: float = _var(
        "SATISFACTION_CHANGE_POINTS", DEFAULT_SATISFACTION_CHANGE_POINTS, "percentage points, e.g. 5", ge=0
    )
    uptime_target: float | None = _var(
        "UPTIME_TARGET", None, "a percentage 0-100 (unset: the rulebook's 接口稳定性 target)", ge=0, le=100
    )
    quarantine_share_pct: float = _var(
        "QUARANTINE_SHARE_PCT", DEFAULT_QUARANTINE_SHARE_PCT, "a percentage, e.g. 1", ge=0
    )
    timeout_seconds: float = _var("TIMEOUT_SECONDS", 10.0, "seconds > 0, e.g. 10", gt=0)
    max_attempts: int = _var("MAX_ATTEMPTS", 3, "a whole number >= 1, e.g. 3", ge=1)
    lookback_hours: float = _var("LOOKBACK_HOURS", 24.0, "hours > 0, e.g. 24", gt=0)
    history_window_months: WholeNumber = _var(
        "HISTORY_WINDOW_MONTHS", _HISTORY.window_months, "a whole number of months >= 1, e.g. 12"
    )
    history_min_months: WholeNumber = _var(
        "HISTORY_MIN_MONTHS", _HISTORY.min_months, "a whole number of months >= 1, at most the window"
    )
    history_holiday_years: WholeNumber = _var(
        "HISTORY_HOLIDAY_YEARS", _HISTORY.holiday_years, "a whole number of years >= 1, e.g. 3"
    )
    history_sensitivity: float = _var(
        "HISTORY_SENSITIVITY", _HISTORY.sensitivity, "spreads around the median, > 0 (e.g. 3)", gt=0
    )
    history_min_spread_pct: float = _var(
        "HISTORY_MIN_SPREAD_PCT", _HISTORY.min_relative_spread_pct, "a percentage >= 0, e.g. 10", ge=0
    )
    history_min_spread_points: float = _var(
        "HISTORY_MIN_SPREAD_POINTS", _HISTORY.min_points_spread, "points >= 0, e.g. 1", ge=0
    )
    history_min_orders: WholeNumber = _var(
        "HISTORY_MIN_ORDERS", _HISTORY.min_orders, "a whole number of orders >= 1, e.g. 20"
    )
    routing: str = _var("ROUTING", "", "the routing file (docs/alerts.md)")
    exports_due_day: int = _var(
        "EXPORTS_DUE_DAY", DEFAULT_EXPORTS_DUE_DAY, "a whole day of the next month 1-28, e.g. 3", ge=1, le=28
    )
    expected_exports: str = _var("EXPECTED_EXPORTS", "", "input names separated by commas")

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AlertEnvironment:
        if self.smtp_ssl and self.smtp_starttls:
            raise ValueError("set HOTLINE_ALERT_SMTP_SSL or HOTLINE_ALERT_SMTP_STARTTLS, not both")
        if self.smtp_host and not self.recipients() and not self.routing:
            # with a routing file, the SMTP server may serve the units' 联络员 only
            raise ValueError(
                "HOTLINE_ALERT_SMTP_HOST is set but HOTLINE_ALERT_EMAIL_TO is empty: set the recipients "
                "(a@x.example, b@x.example) or unset HOTLINE_ALERT_SMTP_HOST"
            )
        if self.history_min_months > self.history_window_months:
            raise ValueError(
                f"HOTLINE_ALERT_HISTORY_*: the history rule needs min_months ({self.history_min_months}) "
                f"<= window_months ({self.history_window_months})"
            )
        return self

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> AlertEnvironment:
        """Validate the HOTLINE_ALERT_* variables of `environ` (empty ones count as unset)."""
        given = {
            name: value if name in _VERBATIM else value.strip()
            for name, value in environ.items()
            if name.startswith("HOTLINE_ALERT_") and value.strip()
        }
        try:
            return cls.model_validate(given)
        except ValidationError as error:
            message = describe(error, "alert settings", cls, name=dotted, hide=_SECRET)
            raise AlertSettingsError(message) from None

    def recipients(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.email_to.replace(";", ",").split(",") if part.strip())

    def webhook(self) -> WebhookSettings | None:
        if not self.webhook_url:
            return None
        fmt = self.webhook_format or infer_webhook_format(self.webhook_url)
        return WebhookSettings(url=self.webhook_url, format=fmt, secret=self.webhook_secret)

    def email(self) -> EmailSettings | None:
        if not self.smtp_host:
            return None
        default_port = 465 if self.smtp_ssl else 587 if self.smtp_starttls else 25
        return EmailSettings(
            host=self.smtp_host,
            port=self.smtp_port or default_port,
            sender=self.email_from or self.smtp_user or "hotline-bulletin@localhost",
            recipients=self.recipients(),
            user=self.smtp_user,
            password=self.smtp_password,
            starttls=self.smtp_starttls,
            ssl=self.smtp_ssl,
            ca_file=self.smtp_ca_file,
        )


#: variables whose value never appears in a message (the URL carries the robot's key)
_SECRET = ("HOTLINE_ALERT_WEBHOOK_URL", "HOTLINE_ALERT_WEBHOOK_SECRET", "HOTLINE_ALERT_SMTP_PASSWORD")
