"""Run an input's expectation suite with Great Expectations over a pandas batch; write its Data Docs.

Great Expectations is imported here, lazily (about 3.5 s): never when the Dagster definitions are
loaded, and once per process, in a background thread started by the first raw asset of a run
(`pipelines.validation.warm_up`), so the import overlaps the loads (DuckDB, which releases the GIL)
instead of delaying the first contract check. Each call uses its own ephemeral context (nothing is
kept between runs); the suite comes from `expectations/<input>.json`, the suite parameters (month
bounds, unit codes) are passed at validation time, and a checkpoint with an `UpdateDataDocsAction`
renders the result as a GX Data Docs site in `docs_dir` (one site per input and month, replaced on
every run: an ephemeral context cannot add its pages to another run's site).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pandas as pd

from pipelines.validation.evidence import INDEX_COLUMN
from pipelines.validation.suites import load_suite

SITE_NAME = "hotline"
#: unexpected values listed per expectation in the Data Docs
PARTIAL_UNEXPECTED = 20


@dataclass(frozen=True)
class ExpectationOutcome:
    rule: str
    expectation_type: str
    severity: str
    success: bool
    unexpected_count: int | None
    #: source rows GX found unexpected (row-level expectations), None otherwise
    unexpected_rows: frozenset[int] | None
    error: str | None = None


@dataclass
class GxOutcome:
    input: str
    rows: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    docs_page: Path | None = None
    docs_index: Path | None = None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def errors(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if o.error]

    def outcome(self, rule: str) -> ExpectationOutcome:
        for outcome in self.outcomes:
            if outcome.rule == rule:
                return outcome
        raise KeyError(rule)


def _context(docs_dir: Path | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.list_data_docs_sites()):  # the default site writes to a temporary folder
        context.delete_data_docs_site(site)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name=SITE_NAME,
            site_config={
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _path_of(url: str | None) -> Path | None:
    if not url:
        return None
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(url)


def _unexpected_rows(result: dict[str, Any]) -> frozenset[int] | None:
    indexes = result.get("unexpected_index_list")
    if indexes is None:
        return None
    rows = set()
    for index in indexes:
        rows.add(int(index[INDEX_COLUMN] if isinstance(index, dict) else index))
    return frozenset(rows)


def run_suite(
    input_name: str,
    frame: pd.DataFrame,
    parameters: dict[str, Any],
    docs_dir: Path | None = None,
    run_name: str = "validation",
) -> GxOutcome:
    """Validate `frame` (the raw table's columns, `source_row` included) with the input's suite."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    if docs_dir is not None:
        shutil.rmtree(docs_dir, ignore_errors=True)
        docs_dir.mkdir(parents=True, exist_ok=True)
    context = _context(docs_dir)
    suite = context.suites.add(gx.ExpectationSuite(**load_suite(input_name)))
    batch_definition = (
        context.data_sources.add_pandas(f"raw_{input_name}")
        .add_dataframe_asset(input_name)
        .add_batch_definition_whole_dataframe(run_name)
    )
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{input_name} {run_name}", data=batch_definition, suite=suite)
    )
    actions = (
        [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[SITE_NAME])] if docs_dir else []
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{input_name}_checkpoint",
            validation_definitions=[definition],
            actions=actions,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [INDEX_COLUMN],
                "partial_unexpected_count": PARTIAL_UNEXPECTED,
                "return_unexpected_index_query": False,
            },
        )
    )
    result = checkpoint.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters,
        run_id=RunIdentifier(run_name=run_name, run_time=datetime.now(UTC)),
    )
    (identifier, validation), *_ = result.run_results.items()
    outcome = GxOutcome(input=input_name, rows=len(frame))
    for item in validation.results:
        config = item.expectation_config
        error = None
        if item.exception_info and item.exception_info.get("raised_exception"):
            error = str(item.exception_info.get("exception_message") or "exception")
        severity = getattr(config, "severity", "critical")
        outcome.outcomes.append(
            ExpectationOutcome(
                rule=str((config.meta or {}).get("rule")),
                expectation_type=config.type,
                severity=str(getattr(severity, "value", severity)),
                success=bool(item.success),
                unexpected_count=(item.result or {}).get("unexpected_count"),
                unexpected_rows=_unexpected_rows(item.result or {}),
                error=error,
            )
        )
    if docs_dir is not None:
        for site in context.get_docs_sites_urls(resource_identifier=identifier, site_names=[SITE_NAME]):
            outcome.docs_page = _path_of(site.get("site_url"))
        index = docs_dir / "index.html"
        outcome.docs_index = index if index.exists() else None
        # animations of GX's how-to pop-ups (switched off): 3.3 MB a site that no page references
        for unused in (docs_dir / "static" / "images").glob("*.gif"):
            unused.unlink()
    return outcome
