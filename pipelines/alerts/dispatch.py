"""Send each alert once to every configured channel, recording every attempt in the alert log.

* An alert whose dedup key the log already has is sent only to the configured channels that do
  not have it yet (none, usually: re-runs and repeated ticks send nothing).
* Alerts of one call are batched per channel: one message for one alert, one digest for several.
* A delivery that failed is tried again by `retry_pending` on later ticks, `max_attempts` in all.
* The alert log is written even when no channel is configured: it is the channel that always is.
* With a routing file (`routing.py`), an alert about a unit also goes to that unit's route; its
  channels are named `route:<unit_code or group>:webhook|email` in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pipelines.alerts.alert_log import AlertLog
from pipelines.alerts.channels import Channel, ChannelError, EmailChannel, WebhookChannel
from pipelines.alerts.model import Alert, AlertKind
from pipelines.alerts.redact import Redactor
from pipelines.alerts.routing import Routing, RoutingError
from pipelines.alerts.settings import AlertSettings, WebhookSettings, infer_webhook_format

#: kinds meant for the unit only (a unit's report card): not in the center's digest
UNIT_ONLY_KINDS = (AlertKind.REPORT_CARD,)

_default_logger = logging.getLogger("pipelines.alerts")


@dataclass
class DispatchReport:
    #: alerts recorded this time (sent to their pending channels, or only logged)
    recorded: list[Alert] = field(default_factory=list)
    #: alerts skipped because every configured channel already has them
    duplicates: list[Alert] = field(default_factory=list)
    #: "<channel>: <reason>" of failed deliveries (redacted)
    failures: list[str] = field(default_factory=list)

    def merge(self, other: DispatchReport) -> DispatchReport:
        self.recorded += other.recorded
        self.duplicates += other.duplicates
        self.failures += other.failures
        return self

    def summary(self) -> str:
        text = f"{len(self.recorded)} alert(s) recorded, {len(self.duplicates)} already sent"
        if self.failures:
            text += f", {len(self.failures)} failed deliveries: " + "; ".join(self.failures)
        return text


def build_channels(settings: AlertSettings) -> list[Channel]:
    """The center's channels (HOTLINE_ALERT_WEBHOOK_URL, HOTLINE_ALERT_SMTP_* + _EMAIL_TO)."""
    channels: list[Channel] = []
    if settings.webhook is not None:
        channels.append(WebhookChannel(settings.webhook, settings.timeout_seconds))
    if settings.email is not None and settings.email.recipients:
        channels.append(EmailChannel(settings.email, settings.timeout_seconds))
    return channels


def build_route_channels(settings: AlertSettings, routing: Routing) -> dict[str, list[Channel]]:
    """route key → its channels, named `route:<key>:webhook` / `route:<key>:email`."""
    found: dict[str, list[Channel]] = {}
    for key, route in routing.routes.items():
        channels: list[Channel] = []
        if route.webhook:
            fmt = route.format or infer_webhook_format(route.webhook)
            hook_settings = WebhookSettings(route.webhook, fmt, route.secret or "")
            hook = WebhookChannel(hook_settings, settings.timeout_seconds)
            hook.name = f"route:{key}:webhook"
            channels.append(hook)
        if route.email:
            if settings.email is None:
                raise RoutingError(
                    f"{settings.routing_path}: routes.{key}.email: no SMTP server to send it through; "
                    "set HOTLINE_ALERT_SMTP_HOST (and _PORT, _USER, _PASSWORD) or remove the email"
                )
            recipients = tuple(route.email)
            mail = EmailChannel(replace(settings.email, recipients=recipients), settings.timeout_seconds)
            mail.name = f"route:{key}:email"
            channels.append(mail)
        found[key] = channels
    return found


class AlertDispatcher:
    def __init__(
        self,
        settings: AlertSettings,
        logger: Any = None,
        channels: list[Channel] | None = None,
        routing: Routing | None = None,
    ) -> None:
        self.settings = settings
        self.routing = Routing.from_path(settings.routing_path) if routing is None else routing
        self.redact = Redactor([*settings.secrets, *self.routing.secrets])
        self.log = AlertLog(settings.log_path, redact=self.redact)
        self.channels = build_channels(settings) if channels is None else channels
        self.route_channels = build_route_channels(settings, self.routing)
        self._logger = logger or _default_logger

    def targets(self, alert: Alert) -> list[Channel]:
        """The center's channels (except for unit-only kinds) and the alert's unit route, if any."""
        found = [] if alert.kind in UNIT_ONLY_KINDS else list(self.channels)
        key = self.routing.route_for(alert)
        if key is not None:
            found += self.route_channels.get(key, [])
        return found

    @property
    def all_channels(self) -> list[Channel]:
        return [*self.channels, *(c for channels in self.route_channels.values() for c in channels)]

    # -- public ---------------------------------------------------------------------------------
    def dispatch(self, alerts: Iterable[Alert]) -> DispatchReport:
        """Send the alerts not sent yet; a repeated alert (same dedup key) is not sent again."""
        unique: dict[str, Alert] = {}
        for alert in alerts:
            unique.setdefault(alert.key, alert)
        if not unique:
            return DispatchReport()
        with self.log.locked():
            states = self.log.state()
            plan: list[tuple[Alert, list[Channel]]] = []
            report = DispatchReport()
            for alert in unique.values():
                state = states.get(alert.key)
                targets = self.targets(alert)
                if state is None:
                    plan.append((alert, targets))
                    continue
                pending = [channel for channel in targets if channel.name not in state.delivered]
                if pending:
                    plan.append((alert, pending))
                else:
                    report.duplicates.append(alert)
            return report.merge(self._deliver(plan, states))

    def retry_pending(self) -> DispatchReport:
        """Try again the deliveries that failed, for alerts with attempts left."""
        names = {channel.name: channel for channel in self.all_channels}
        with self.log.locked():
            states = self.log.state()
            plan: list[tuple[Alert, list[Channel]]] = []
            for state in states.values():
                retry = sorted(name for name in state.failed if name in names and name not in state.delivered)
                if retry and state.attempts < self.settings.max_attempts:
                    plan.append((Alert.from_record(state.record), [names[name] for name in retry]))
            return self._deliver(plan, states)

    # -- internals ------------------------------------------------------------------------------
    def _deliver(self, plan: list[tuple[Alert, list[Channel]]], states: dict) -> DispatchReport:
        report = DispatchReport()
        if not plan:
            return report
        results: dict[tuple[str, str], dict[str, Any]] = {}
        used = {id(channel): channel for _, channels in plan for channel in channels}
        for channel in [c for c in self.all_channels if id(c) in used]:
            batch = [alert for alert, channels in plan if channel in channels]
            if not batch:
                continue
            target = self.redact(channel.describe())
            try:
                channel.send(batch, self.settings.subject_prefix)
            except ChannelError as error:
                reason = self.redact(str(error))
                result: dict[str, Any] = {"ok": False, "target": target, "error": reason}
                report.failures.append(f"{channel.name}: {reason}")
                self._logger.warning(self.redact(f"alert delivery failed via {target}: {reason}"))
            except Exception as error:  # a bug in a channel must not lose the alert log line
                reason = self.redact(f"{type(error).__name__}: {error}")
                result = {"ok": False, "target": target, "error": reason}
                report.failures.append(f"{channel.name}: {reason}")
                self._logger.warning(self.redact(f"alert delivery failed via {target}: {reason}"))
            else:
                result = {"ok": True, "target": target}
                self._logger.info(self.redact(f"{len(batch)} alert(s) sent via {target}"))
            for alert in batch:
                results[(alert.key, channel.name)] = result
        for alert, channels in plan:
            previous = states.get(alert.key)
            deliveries = {channel.name: results[(alert.key, channel.name)] for channel in channels}
            oks = [result["ok"] for result in deliveries.values()]
            status = "logged" if not oks else "sent" if all(oks) else "failed" if not any(oks) else "partial"
            self.log.append(
                {
                    **alert.as_record(),
                    "status": status,
                    "attempt": (previous.attempts if previous else 0) + 1,
                    "deliveries": deliveries,
                }
            )
            report.recorded.append(alert)
            self._logger.info(self.redact(f"alert [{alert.kind}] {alert.subject} ({status})"))
        return report
