"""Input validation in the Dagster graph: the contract checks and the publication gate.

* `raw/<input>:contract` (one per input, blocking): the input's expectation suite. The rules are
  evaluated in DuckDB over the whole month (counts per rule, first failing rows); Great
  Expectations validates a bounded batch of it with the same suite and writes the Data Docs
  (`<output>/<YYYY-MM>/data_docs/<input>/`). Severity WARN when rows break rules (they are
  quarantined, the month goes on); ERROR, which stops everything downstream, when the data is
  unusable: no accepted row of orders or units.
* `raw/quarantine` (asset, upstream of every staging view; `assets.py`): the month's rows that break a rule.
* `raw/quarantine:reconciliation` (blocking): for every input, rows read = accepted + quarantined.
* `marts/fct_intake:quarantine_share` (blocking, upstream of the bulletin only): the month may
  publish only when its quarantined orders are within HOTLINE_MAX_QUARANTINE_SHARE.

See docs/validation.md.
"""

import html
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.contract import APPEALS, INPUTS, ORDERS, UNITS, InputSpec
from pipelines.ingest.assets import raw_asset_key
from pipelines.partitions import monthly_partitions
from pipelines.resources import HotlineFiles, WarehouseResource
from pipelines.validation.assets import APPEAL_TARGET_DEPS, QUARANTINE_KEY
from pipelines.validation.hints import rule_lines
from pipelines.validation.policy import (
    MAX_QUARANTINE_SHARE_ENV,
    PublicationDecision,
    max_quarantine_share,
    memory_limited,
)
from pipelines.validation.suites import suite_path

# the checks are partitioned like the assets they check (a preview feature of Dagster 1.13)
warnings.filterwarnings(
    "ignore", message=".*partitions_def on an AssetCheckSpec.*", category=dg.PreviewWarning
)

INTAKE_KEY = dg.AssetKey(["marts", "fct_intake"])
CONTRACT_CHECK = "contract"
RECONCILIATION_CHECK = "reconciliation"
SHARE_CHECK = "quarantine_share"
#: inputs without which the month cannot be computed at all: no accepted row is an ERROR
ESSENTIAL_INPUTS = (UNITS.name, ORDERS.name)
DATA_DOCS_FOLDER = "data_docs"
#: rules listed with their samples in the markdown metadata
MAX_RULES_LISTED = 40


def data_docs_dir(output: Path, month: str, input_name: str | None = None) -> Path:
    folder = Path(output) / month / DATA_DOCS_FOLDER
    return folder / input_name if input_name else folder


# ------------------------------------------------------------------------------------------------
# the contract check of each input


def _sample_label(sample: dict[str, Any]) -> str:
    """`12: GD2021020001` (source row and id), or the source row alone for inputs without an id."""
    ids = [str(v) for k, v in sample.items() if k not in {"source_row", "message"}]
    return f"{sample['source_row']}: {ids[0]}" if ids else str(sample["source_row"])


def _rules_markdown(report: Any) -> str:
    broken = report.broken
    if not broken:
        return "Every row meets every rule of the suite."
    lines = ["| rule | rows | effect | first rows (source_row: id) |", "|---|---:|---|---|"]
    for rule in broken[:MAX_RULES_LISTED]:
        samples = html.escape(", ".join(_sample_label(s) for s in rule.samples)).replace("|", "\\|")
        effect = "quarantined" if rule.quarantines else "reported"
        lines.append(f"| `{rule.rule}` | {rule.rows} | {effect} | {samples} |")
    return "\n".join(lines)


def _disagreements(gx: Any, sql_failures: dict[str, set[int]]) -> dict[str, dict[str, list[int]]]:
    """Rules where GX and the SQL flag different rows of the batch (there should be none)."""
    found: dict[str, dict[str, list[int]]] = {}
    for outcome in gx.outcomes:
        if outcome.rule not in sql_failures or outcome.unexpected_rows is None:
            continue
        sql_rows = sql_failures[outcome.rule]
        if set(outcome.unexpected_rows) != sql_rows:
            found[outcome.rule] = {
                "only_gx": sorted(set(outcome.unexpected_rows) - sql_rows)[:10],
                "only_sql": sorted(sql_rows - set(outcome.unexpected_rows))[:10],
            }
    return found


def write_docs_index(folder: Path, month: str) -> Path:
    """`<output>/<YYYY-MM>/data_docs/index.html`: a link to each input's Data Docs site."""
    sites = sorted(p.parent.name for p in folder.glob("*/index.html"))
    items = "".join(
        f'<li><a href="{html.escape(name)}/index.html">{html.escape(name)}</a></li>' for name in sites
    )
    page = (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>Data Docs {month}</title>'
        f"<h1>Input validation {month}</h1><p>Great Expectations Data Docs, one site per input.</p>"
        f"<ul>{items}</ul></html>\n"
    )
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def run_contract_check(
    spec: InputSpec, month: str, warehouse: WarehouseResource, output: Path, log: Any = None
) -> dg.AssetCheckResult:
    from pipelines.validation.evidence import select_evidence
    from pipelines.validation.gx_runner import run_suite
    from pipelines.validation.policy import gx_max_rows
    from pipelines.validation.quarantine import compiled_suite, month_parameters, rule_report

    suite = compiled_suite(spec.name)
    with warehouse.get_connection() as con, memory_limited(con):
        parameters = month_parameters(con, month)
        report = rule_report(con, spec, month, parameters)
        evidence = select_evidence(con, spec, suite, month, parameters, gx_max_rows())
    docs = data_docs_dir(output, month, spec.name)
    gx = run_suite(spec.name, evidence.frame, parameters, docs, run_name=month)
    index = write_docs_index(data_docs_dir(output, month), month)
    disagreements = _disagreements(gx, evidence.sql_failures)

    problems: list[str] = []
    unusable = spec.name in ESSENTIAL_INPUTS and report.rows_accepted == 0
    if unusable:
        problems.append(
            f"no accepted row of {spec.name} ({report.rows_read} read, "
            f"{report.rows_quarantined} quarantined): the month cannot be computed"
        )
    if report.rows_quarantined:
        problems.append(f"{report.rows_quarantined} of {report.rows_read} rows quarantined")
    column_failures = [
        o.rule for o in gx.failed if o.rule not in evidence.sql_failures and o.severity == "critical"
    ]
    if column_failures:
        problems.append(f"column expectations failed: {', '.join(column_failures)}")
    if gx.errors:
        problems.append(f"GX could not evaluate: {', '.join(o.rule for o in gx.errors)}")
    if disagreements:
        problems.append(f"GX and the SQL rules disagree on: {', '.join(disagreements)}")
    reported = [r for r in report.broken if not r.quarantines]

    summary = "; ".join(problems) if problems else f"{report.rows_read} rows, every row meets the contract"
    if reported:
        summary += "; reported, not quarantined: " + ", ".join(f"{r.rule} ({r.rows})" for r in reported)
    if report.rows_quarantined:
        # the rules broken, with an example and, for a known export fault, its cause and fix
        summary += "\n" + "\n".join(rule_lines(spec, report))
    if log is not None:
        (log.error if unusable else log.warning if problems else log.info)(f"{spec.name} {month}: {summary}")
    metadata: dict[str, Any] = {
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_quarantined": report.rows_quarantined,
        "rules": dg.MetadataValue.md(_rules_markdown(report)),
        "rule_counts": dg.MetadataValue.json({r.rule: r.rows for r in report.broken}),
        "samples": dg.MetadataValue.json({r.rule: r.samples for r in report.broken}),
        "suite": dg.MetadataValue.path(str(suite_path(spec.name))),
        "gx_rows_validated": gx.rows,
        "gx_scope": evidence.scope,
        "gx_failed_expectations": dg.MetadataValue.json({o.rule: o.unexpected_count for o in gx.failed}),
        "gx_sql_disagreements": dg.MetadataValue.json(disagreements),
        "data_docs_index": dg.MetadataValue.path(str(index)),
    }
    if gx.docs_page is not None:
        metadata["data_docs"] = dg.MetadataValue.path(str(gx.docs_page))
        metadata["data_docs_url"] = dg.MetadataValue.url(gx.docs_page.as_uri())
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR if unusable else dg.AssetCheckSeverity.WARN,
        description=summary,
        metadata=metadata,
    )


def _contract_check_deps(spec: InputSpec) -> list[dg.AssetKey] | None:
    if spec is UNITS:
        return None
    # unit codes must exist in the month's (accepted) units; appeals also read their orders
    return [raw_asset_key(UNITS), *(APPEAL_TARGET_DEPS if spec is APPEALS else ())]


def build_contract_check(spec: InputSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_asset_key(spec),
        name=CONTRACT_CHECK,
        blocking=True,
        partitions_def=monthly_partitions,
        additional_deps=_contract_check_deps(spec),
        description=(
            f"Every rule of contract.md for {spec.name} ({spec.title}), from expectations/{spec.name}.json: "
            "counts per rule over the whole month, sample failing rows, GX Data Docs. WARN when rows "
            "are quarantined; ERROR (blocks downstream) when the data is unusable."
        ),
    )
    def _contract(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, files: HotlineFiles
    ) -> dg.AssetCheckResult:
        return run_contract_check(spec, context.partition_key, warehouse, files.output, context.log)

    return _contract


# ------------------------------------------------------------------------------------------------
# reconciliation and publication


def _rows_read_by_loader(instance: dg.DagsterInstance, spec: InputSpec, month: str) -> int | None:
    """`rows_read` of the input's latest materialization for the month (what the loader counted)."""
    try:
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=raw_asset_key(spec), asset_partitions=[month]), limit=1
        ).records
    except Exception:  # noqa: BLE001 - an instance without records: fall back on the table
        return None
    if not records or records[0].asset_materialization is None:
        return None
    value = records[0].asset_materialization.metadata.get("rows_read")
    return int(value.value) if value is not None and value.value is not None else None


def reconciliation_result(reconciliations: Iterable[Any]) -> dg.AssetCheckResult:
    items = list(reconciliations)
    lines = [
        "| input | read (loader) | stored | accepted | quarantined | holds |",
        "|---|---:|---:|---:|---:|---|",
    ]
    broken = []
    for r in items:
        loader = "?" if r.rows_read_by_loader is None else str(r.rows_read_by_loader)
        lines.append(
            f"| {r.input} | {loader} | {r.rows_stored} | {r.rows_accepted} | {r.rows_quarantined} | "
            f"{'yes' if r.holds else '**no**'} |"
        )
        if not r.holds:
            extra = f", {r.out_of_step} rows quarantined or not against the rules" if r.out_of_step else ""
            extra += f", {r.orphans} quarantined rows not in raw" if r.orphans else ""
            extra += f", {r.duplicates} rows quarantined twice" if r.duplicates else ""
            broken.append(
                f"{r.input}: read {r.rows_read} but accepted {r.rows_accepted} + quarantined "
                f"{r.rows_quarantined}{extra}"
            )
    description = (
        "rows read = rows accepted + rows quarantined for every input"
        if not broken
        else "reconciliation broken (re-run the raw assets and raw/quarantine of the month): "
        + "; ".join(broken)
    )
    return dg.AssetCheckResult(
        passed=not broken,
        severity=dg.AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "by_input": dg.MetadataValue.md("\n".join(lines)),
            "reconciliation": dg.MetadataValue.json(
                {
                    r.input: {
                        "rows_read": r.rows_read,
                        "rows_accepted": r.rows_accepted,
                        "rows_quarantined": r.rows_quarantined,
                        "holds": r.holds,
                    }
                    for r in items
                }
            ),
        },
    )


@dg.asset_check(
    asset=QUARANTINE_KEY,
    name=RECONCILIATION_CHECK,
    blocking=True,
    partitions_def=monthly_partitions,
    description=(
        "For every input: rows read by the loader = rows stored = rows accepted (what the staging "
        "views select) + rows quarantined (each once), and raw.quarantine holds exactly the rows that "
        "break a rule now. ERROR blocks the dbt models."
    ),
)
def reconciliation(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    from pipelines.validation.quarantine import month_parameters, reconcile

    month = context.partition_key
    loader_counts = {spec.name: _rows_read_by_loader(context.instance, spec, month) for spec in INPUTS}
    with warehouse.get_connection() as con, memory_limited(con):
        parameters = month_parameters(con, month)
        items = [reconcile(con, spec, month, parameters, loader_counts[spec.name]) for spec in INPUTS]
    return reconciliation_result(items)


def publication_decision(con: Any, month: str) -> PublicationDecision:
    from pipelines.validation.quarantine import QUARANTINE_TABLE

    read, quarantined = con.execute(
        f"select (select count(*) from raw.orders where month = $month), "
        f"(select count(distinct source_row) from {QUARANTINE_TABLE} "
        "where month = $month and input = 'orders')",
        {"month": month},
    ).fetchone()
    return PublicationDecision(month, int(read), int(quarantined), max_quarantine_share())


@dg.asset_check(
    asset=INTAKE_KEY,
    name=SHARE_CHECK,
    blocking=True,
    partitions_def=monthly_partitions,
    additional_deps=[QUARANTINE_KEY],
    description=(
        f"The month may publish its bulletin only when its quarantined orders are at most "
        f"{MAX_QUARANTINE_SHARE_ENV} (default 1 %) of the orders read; otherwise ERROR, and the "
        "bulletin asset does not run."
    ),
)
def quarantine_share(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    month = context.partition_key
    with warehouse.get_connection() as con:
        decision = publication_decision(con, month)
    if not decision.may_publish:
        context.log.error(decision.message)
    return dg.AssetCheckResult(
        passed=decision.may_publish,
        severity=dg.AssetCheckSeverity.ERROR,
        description=decision.message,
        metadata={
            "orders_read": decision.orders_read,
            "orders_quarantined": decision.orders_quarantined,
            "share": round(decision.share, 6),
            "max_share": decision.max_share,
        },
    )


contract_checks: list[dg.AssetChecksDefinition] = [build_contract_check(spec) for spec in INPUTS]
validation_checks: list[dg.AssetChecksDefinition] = [*contract_checks, reconciliation, quarantine_share]
