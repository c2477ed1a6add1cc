"""Send each alert once to every configured channel, recording every attempt in the alert log.

* An alert whose dedup key the log already has is sent only to the configured channels that do
  not have it yet (none, usually: re-runs and repeated ticks send nothing).
* Alerts of one call are batched per channel: one message for one alert, one digest for several.
* A delivery that failed is tried again by `retry_pending` on later ticks, `max_attempts` in all.
* The alert log is written even when no channel is configured: it is the channel that always is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipelines.alerts.alert_log import AlertLog
from pipelines.alerts.channels import Channel, ChannelError, EmailChannel, WebhookChannel
from pipelines.alerts.model import Alert
from pipelines.alerts.redact import Redactor
from pipelines.alerts.settings import AlertSettings

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
    channels: list[Channel] = []
    if settings.webhook is not None:
        channels.append(WebhookChannel(settings.webhook, settings.timeout_seconds))
    if settings.email is not None:
        channels.append(EmailChannel(settings.email, settings.timeout_seconds))
    return channels


class AlertDispatcher:
    def __init__(
        self,
        settings: AlertSettings,
        logger: Any = None,
        channels: list[Channel] | None = None,
    ) -> None:
        self.settings = settings
        self.redact = Redactor(settings.secrets)
        self.log = AlertLog(settings.log_path, redact=self.redact)
        self.channels = build_channels(settings) if channels is None else channels
        self._logger = logger or _default_logger

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
                if state is None:
                    plan.append((alert, list(self.channels)))
                    continue
                pending = [channel for channel in self.channels if channel.name not in state.delivered]
                if pending:
                    plan.append((alert, pending))
                else:
                    report.duplicates.append(alert)
            return report.merge(self._deliver(plan, states))

    def retry_pending(self) -> DispatchReport:
        """Try again the deliveries that failed, for alerts with attempts left."""
        names = {channel.name: channel for channel in self.channels}
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
        for channel in self.channels:
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
