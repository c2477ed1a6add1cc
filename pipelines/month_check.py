"""`hotline check`: read every file of a month and say what the run would reject, without the warehouse.

Each input is found and loaded exactly as the run loads it (same loaders, same typed SQL), into a
scratch DuckDB file in a temporary folder; then the expectation suites' rules are evaluated over
every row (`validation.quarantine`), the month's publication gate is applied, and the outcome is
reported: files that cannot be read (file, problem, fix), rules broken with counts and example
rows, and whether the month would publish. Nothing is written to the warehouse, the Dagster
instance or the output folder.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.contract import INPUTS, ORDERS, UNITS, InputSpec
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.load import LoadSummary, load_month_input
from pipelines.ingest.locate import find_input_file
from pipelines.partitions import validate_month
from pipelines.validation.hints import rule_lines
from pipelines.validation.policy import PublicationDecision, max_quarantine_share, memory_limited
from pipelines.validation.quarantine import RuleReport, month_parameters, rule_report

#: inputs without which the month cannot be computed (as the contract checks decide)
ESSENTIAL_INPUTS = (UNITS.name, ORDERS.name)


@dataclass
class InputOutcome:
    """What the run would do with one input."""

    spec: InputSpec
    path: Path | None = None
    summary: LoadSummary | None = None
    error: InputFileError | None = None
    report: RuleReport | None = None

    @property
    def rows_read(self) -> int:
        return self.summary.rows_read if self.summary else 0

    @property
    def rows_quarantined(self) -> int:
        return self.report.rows_quarantined if self.report else 0


@dataclass
class MonthCheck:
    """The check of one month (`hotline check`): per input, then the month's verdict."""

    month: str
    inputs: list[InputOutcome] = field(default_factory=list)
    decision: PublicationDecision | None = None

    @property
    def file_errors(self) -> list[InputFileError]:
        return [o.error for o in self.inputs if o.error is not None]

    @property
    def blocking(self) -> list[str]:
        """Why the month would not publish (empty when it would)."""
        reasons = [str(e) for e in self.file_errors]
        for outcome in self.inputs:
            report = outcome.report
            if outcome.spec.name in ESSENTIAL_INPUTS and report is not None and report.rows_accepted == 0:
                reasons.append(
                    f"no accepted row of {outcome.spec.name} ({report.rows_read} read, "
                    f"{report.rows_quarantined} quarantined): the month cannot be computed"
                )
        if self.decision is not None and not self.decision.may_publish:
            reasons.append(self.decision.message)
        return reasons

    @property
    def publishes(self) -> bool:
        return not self.blocking


def check_month(landing: Path, month: str, phone_salt: str, max_share: float | None = None) -> MonthCheck:
    """Load and validate every input of `month` from `landing` in a scratch database."""
    validate_month(month)
    result = MonthCheck(month=month)
    with tempfile.TemporaryDirectory(prefix="hotline-check-") as scratch:
        con = duckdb.connect(str(Path(scratch) / "check.duckdb"))
        try:
            for spec in INPUTS:
                outcome = InputOutcome(spec=spec)
                result.inputs.append(outcome)
                try:
                    outcome.path = find_input_file(landing, month, spec)
                    outcome.summary = load_month_input(con, spec, outcome.path, month, phone_salt)
                except InputFileError as exc:
                    outcome.error = exc
            with memory_limited(con):
                parameters = month_parameters(con, month)
                for outcome in result.inputs:
                    if outcome.error is None:
                        outcome.report = rule_report(con, outcome.spec, month, parameters)
        finally:
            con.close()
    orders = next(o for o in result.inputs if o.spec is ORDERS)
    if orders.error is None:
        share = max_quarantine_share() if max_share is None else max_share
        result.decision = PublicationDecision(month, orders.rows_read, orders.rows_quarantined, share)
    return result


def report_lines(check: MonthCheck) -> list[str]:
    """The check as lines for a terminal: problems first, then one line per input, then the verdict."""
    lines: list[str] = []
    for error in check.file_errors:
        lines.append(f"error: {error}")
    for outcome in check.inputs:
        if outcome.report is not None and outcome.report.broken:
            lines.extend(rule_lines(outcome.spec, outcome.report))
    lines.append("")
    for outcome in check.inputs:
        name = outcome.spec.name
        if outcome.error is not None:
            lines.append(f"  {name:<20} cannot be read")
        elif outcome.path is None:
            lines.append(f"  {name:<20} no file (optional: an empty table, full points on its items)")
        else:
            summary = outcome.summary
            assert summary is not None
            extra = []
            if summary.skipped_rows:
                extra.append(f"header in row {summary.header_row}")
            extra.extend(summary.notes)
            more = f" [{'; '.join(extra)}]" if extra else ""
            accepted = outcome.rows_read - outcome.rows_quarantined
            lines.append(
                f"  {name:<20} {outcome.path.name}: {outcome.rows_read} rows read, {accepted} accepted, "
                f"{outcome.rows_quarantined} quarantined{more}"
            )
    lines.append("")
    if check.publishes:
        verdict = check.decision.message if check.decision else f"{check.month}: the bulletin publishes"
        lines.append(f"ok: {verdict}")
    else:
        lines.append(f"{check.month} would not publish:")
        lines.extend(f"  - {reason}" for reason in check.blocking)
    return lines
