"""An alert: what happened, for which month, where it came from, and the key that makes it unique."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class AlertKind:
    """The kinds of alert (the `kind` field, also the first part of every dedup key)."""

    CHECK_FAILED = "check_failed"
    RUN_FAILED = "run_failed"
    ORDERS_CHANGE = "orders_change"
    SATISFACTION_CHANGE = "satisfaction_change"
    UPTIME_BELOW_TARGET = "uptime_below_target"
    QUARANTINE_SHARE = "quarantine_share"
    HISTORY_ANOMALY = "history_anomaly"
    EXPORTS_MISSING = "exports_missing"
    #: reserved for the unit report cards (another feature): sent to the unit's route only
    REPORT_CARD = "report_card"
    FIGURES_CORRECTED = "figures_corrected"

    ALL = (
        CHECK_FAILED,
        RUN_FAILED,
        ORDERS_CHANGE,
        SATISFACTION_CHANGE,
        UPTIME_BELOW_TARGET,
        QUARANTINE_SHARE,
        HISTORY_ANOMALY,
        EXPORTS_MISSING,
        REPORT_CARD,
        FIGURES_CORRECTED,
    )


#: titles of the kinds, in the staff's words
KIND_TITLES: dict[str, str] = {
    AlertKind.CHECK_FAILED: "数据检查未通过",
    AlertKind.RUN_FAILED: "运行失败",
    AlertKind.ORDERS_CHANGE: "单位工单量异动",
    AlertKind.SATISFACTION_CHANGE: "平台回访满意率异动",
    AlertKind.UPTIME_BELOW_TARGET: "县区接口稳定性低于目标",
    AlertKind.QUARANTINE_SHARE: "隔离行占比超限",
    AlertKind.HISTORY_ANOMALY: "指标偏离本单位历史",
    AlertKind.EXPORTS_MISSING: "月度导出文件未到",
    AlertKind.REPORT_CARD: "单位成绩单",
    AlertKind.FIGURES_CORRECTED: "已发布月份数据更正",
}


def dedup_key(kind: str, month: str, *parts: object) -> str:
    """`kind|month|part|…`: the same alert for the same month has the same key (and is sent once)."""
    return "|".join([kind, month or "", *(str(part) for part in parts)])


@dataclass(frozen=True)
class Alert:
    kind: str
    month: str
    subject: str
    #: JSON-able facts (numbers, names, thresholds): shown in the message and kept in the alert log
    details: Mapping[str, Any] = field(default_factory=dict)
    #: where it came from: asset, check, run_id, job (whichever apply)
    source: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""
    #: "error" (a blocking check, a failed run) or "warning"
    severity: str = "warning"

    def __post_init__(self) -> None:
        if self.kind not in AlertKind.ALL:
            raise ValueError(f"unknown alert kind {self.kind!r}")
        if not self.key:
            raise ValueError("an alert needs a dedup key")

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]

    def as_record(self) -> dict[str, Any]:
        """The alert as JSON-able fields (the alert log's and the generic webhook's shape)."""
        return {
            "kind": self.kind,
            "month": self.month,
            "subject": self.subject,
            "severity": self.severity,
            "details": _jsonable(self.details),
            "source": _jsonable(self.source),
            "dedup_key": self.key,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Alert:
        return cls(
            kind=record["kind"],
            month=record.get("month") or "",
            subject=record["subject"],
            details=record.get("details") or {},
            source=record.get("source") or {},
            key=record["dedup_key"],
            severity=record.get("severity") or "warning",
        )


def _jsonable(value: Any) -> Any:
    """Plain JSON values (numbers, strings, lists, dicts); anything else as its string."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _detail_lines(alert: Alert) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = [("类别", alert.title), ("月份", alert.month or "—")]
    for name, value in alert.details.items():
        if isinstance(value, (list, tuple)):
            shown = "、".join(str(v) for v in value) if value else "—"
        elif isinstance(value, dict):
            shown = json.dumps(value, ensure_ascii=False, default=str)
        elif value is None:
            shown = "—"
        else:
            shown = str(value)
        lines.append((str(name), shown))
    for name, value in alert.source.items():
        if value not in (None, ""):
            lines.append((f"来源.{name}", str(value)))
    return lines


def render_text(alert: Alert) -> str:
    """Plain text (the email body)."""
    body = [alert.subject, ""]
    body += [f"{name}: {value}" for name, value in _detail_lines(alert)]
    body += ["", f"dedup_key: {alert.key}"]
    return "\n".join(body)


def render_markdown(alert: Alert, line_break: str = "\n") -> str:
    """Markdown for the group robots (WeCom / DingTalk render a subset of markdown).

    WeCom breaks lines at every newline; DingTalk follows markdown, where a single newline inside a
    quote joins the lines, so it gets blank lines (`line_break="\n\n"`).
    """
    body = [f"### {alert.subject}"]
    body += [f"> **{name}**: {value}" for name, value in _detail_lines(alert)]
    return line_break.join(body)


def render_digest_text(alerts: list[Alert], limit: int = 20) -> str:
    parts = [f"{len(alerts)} 条告警", ""]
    for index, alert in enumerate(alerts[:limit], start=1):
        parts += [f"[{index}] " + render_text(alert), ""]
    if len(alerts) > limit:
        parts.append(f"……另有 {len(alerts) - limit} 条，见告警日志")
    return "\n".join(parts).rstrip()


def render_digest_markdown(alerts: list[Alert], limit: int = 20, line_break: str = "\n") -> str:
    parts = [f"## {len(alerts)} 条告警"]
    for alert in alerts[:limit]:
        parts.append(render_markdown(alert, line_break))
    if len(alerts) > limit:
        parts.append(f"……另有 {len(alerts) - limit} 条，见告警日志")
    return "\n\n".join(parts)
