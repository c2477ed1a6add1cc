"""Turn a run's outcome into what the terminal shows: the product's message first, then the log.

A failed step's message is the deepest cause Dagster recorded (an InputFileError: file, problem,
fix); a step that failed because a blocking check failed is explained by that check's description
(the rule, an example value, the cause and the fix). Dagster's wrapper errors and tracebacks go to
the log; `--verbose` prints them after the messages.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.runner import RunOutcome

#: Dagster's message for a step stopped by a blocking check (the check's own description says why)
_BLOCKED = ("Blocking check", "blocking asset check")
#: the exception's class Dagster puts before its message (`pipelines.ingest.errors.InputFileError: `)
_EXCEPTION_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*(?:Error|Exception): ")


def _without_step(failure: str) -> tuple[str, str]:
    step, _, message = failure.partition(": ")
    if not message:
        return "", failure
    return step, _EXCEPTION_PREFIX.sub("", message.strip())


def failure_messages(outcome: RunOutcome) -> list[str]:
    """The messages a person acts on, most useful first: unreadable files, then blocking checks,
    then any other failed step."""
    files: list[str] = []
    others: list[str] = []
    for failure in outcome.failures:
        step, message = _without_step(failure)
        if any(marker.lower() in message.lower() for marker in _BLOCKED):
            continue  # explained by the check's description below
        if "Fix:" in message:
            files.append(message)
        else:
            others.append(f"{step}: {message}" if step else message)
    checks = list(outcome.blocking_checks)
    return files + checks + others


def failure_lines(outcome: RunOutcome, log_path: Path | None, verbose: bool) -> list[str]:
    lines: list[str] = []
    for message in failure_messages(outcome):
        first, *rest = message.splitlines() or [""]
        lines.append(f"error: {first}")
        lines.extend(f"  {line.strip()}" for line in rest if line.strip())
    if not lines:
        lines.append("error: the run failed before any step ran")
    where = f"; full log: {log_path}" if log_path else ""
    lines.append(f"the run for {outcome.month} failed (run {outcome.run_id}){where}")
    if verbose:
        lines.extend(outcome.tracebacks)
    elif outcome.tracebacks and log_path:
        lines.append("(the tracebacks are in the log; --verbose prints them here)")
    return lines
