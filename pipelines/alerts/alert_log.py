"""The alert log: one JSON line per delivery attempt of an alert; also the dedup state.

A line holds the alert (kind, month, subject, details, source, dedup_key, severity), the attempt
number and, per channel, whether the delivery succeeded. Folding the lines gives, per dedup key,
the channels that already have the alert: those are never sent it again. Every line goes through
the redactor before it is written, so no secret can end up in the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

#: waiting longer than this for another tick holding the log means something is stuck
LOG_LOCK_TIMEOUT_SECONDS = 120


@dataclass
class AlertState:
    """What the log says about one dedup key."""

    record: dict[str, Any]
    attempts: int = 0
    delivered: set[str] = field(default_factory=set)
    #: channels whose latest attempt failed (and that have not succeeded since)
    failed: set[str] = field(default_factory=set)


class AlertLog:
    def __init__(self, path: Path, redact: Callable[[str], str] = lambda text: text) -> None:
        self.path = Path(path)
        self._redact = redact

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the log while deciding what to send and recording it (sensors may tick in parallel)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=LOG_LOCK_TIMEOUT_SECONDS):
            yield

    def records(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a crash: ignore it
                if isinstance(record, dict) and record.get("dedup_key"):
                    yield record

    def state(self) -> dict[str, AlertState]:
        states: dict[str, AlertState] = {}
        for record in self.records():
            state = states.setdefault(record["dedup_key"], AlertState(record=record))
            state.record = record
            state.attempts += 1
            for channel, result in (record.get("deliveries") or {}).items():
                if isinstance(result, Mapping) and result.get("ok"):
                    state.delivered.add(channel)
                    state.failed.discard(channel)
                elif channel not in state.delivered:
                    state.failed.add(channel)
        return states

    def append(self, record: Mapping[str, Any]) -> dict[str, Any]:
        line = dict(record)
        line.setdefault("logged_at", datetime.now(UTC).isoformat(timespec="seconds"))
        text = self._redact(json.dumps(line, ensure_ascii=False, default=str))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
        return json.loads(text)
