"""Asset checks `history_anomalies` (severity WARN, never stops a run) on the marts (docs/alerts.md).

* `marts/fct_unit_scores:history_anomalies`: each unit's orders and three rates against its history;
* `marts/fct_county_data_quality:history_anomalies`: each county's uptime and data-quality items.

The marts are read through the engine's reader (pipelines/engines/readers.py): on Spark the
engine's tables, never the DuckDB file (which holds no marts, or an older DuckDB run's).
The check fails (WARN) when a value leaves its expected range; its metadata has the numbers the UI
plots per month (`anomalies`, `judged`, `not_judged`, `baseline_months_with_data`), the findings with
their expected ranges, and why values were not judged (too little history, a holiday month without
an earlier one). The alerts themselves (one per unit × indicator, routed to the unit) are sent by
the anomaly sensor and at the end of `hotline run` from the same rule (`history_rule`).
"""


import warnings

import dagster as dg

from pipelines.alerts.history_rule import (
    COUNTY_INDICATORS,
    UNIT_INDICATORS,
    HistoryReport,
    Indicator,
    evaluate_history,
)
from pipelines.alerts.settings import AlertSettings
from pipelines.partitions import monthly_partitions
from pipelines.resources import EngineResource, HotlineFiles
from pipelines.rulebook import load_rulebook

warnings.filterwarnings(
    "ignore", message=".*partitions_def on an AssetCheckSpec.*", category=dg.PreviewWarning
)

HISTORY_CHECK = "history_anomalies"
#: findings listed in the markdown metadata
MAX_LISTED = 40


def _fmt(value: float | None, indicator: Indicator) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if indicator.relative else f"{value:.2f}"


def history_check_result(report: HistoryReport) -> dg.AssetCheckResult:
    """The check's result: passed unless a value left its range; severity WARN."""
    anomalies = report.anomalies
    lines = ["| unit | indicator | value | expected range | median | score |", "|---|---|---:|---|---:|---:|"]
    for f in anomalies[:MAX_LISTED]:
        j = f.judgement
        assert j is not None
        lines.append(
            f"| {f.unit_name} ({f.unit_code}) | {f.indicator.title} | {_fmt(j.value, f.indicator)} | "
            f"{_fmt(j.low, f.indicator)} – {_fmt(j.high, f.indicator)} | {_fmt(j.median, f.indicator)} | "
            f"{j.score:+.1f} |"
        )
    reasons: dict[str, int] = {}
    for f in report.not_judged:
        reasons[f.not_judged or "?"] = reasons.get(f.not_judged or "?", 0) + 1
    summary = report.history_summary
    if anomalies:
        description = f"{len(anomalies)} value(s) outside the unit's historical range; {summary}"
    else:
        description = f"no value outside its historical range; {summary}"
    metadata: dict[str, object] = {
        "anomalies": len(anomalies),
        "judged": len(report.judged),
        "not_judged": len(report.not_judged),
        "baseline_months_with_data": len(report.months_with_data),
        "min_baseline_months": report.baseline.min_values,
        "history": summary,
        "baseline_months": dg.MetadataValue.json(list(report.baseline.months)),
        "holiday": report.baseline.holiday or "",
        "not_judged_reasons": dg.MetadataValue.json(reasons),
        "findings": dg.MetadataValue.md("\n".join(lines) if anomalies else "(no anomaly)"),
    }
    return dg.AssetCheckResult(
        passed=not anomalies,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )


def _build(asset: str, indicators: tuple[Indicator, ...], what: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(asset.split("/")),
        name=HISTORY_CHECK,
        # blocking only orders the steps: the bulletin waits for this check (so that its metadata
        # counts it); a WARN result never blocks anything
        blocking=True,
        partitions_def=monthly_partitions,
        description=(
            f"{what} against the unit's own history: median ± sensitivity × MAD of the previous "
            "ordinary months (holiday months: the earlier years' months of the same holiday). WARN, "
            "never blocks; too little history is not judged (see the metadata). docs/alerts.md"
        ),
    )
    def _check(
        context: dg.AssetCheckExecutionContext, engine: EngineResource, files: HotlineFiles
    ) -> dg.AssetCheckResult:
        try:
            settings = AlertSettings.from_env(output_dir=files.output).history
            holidays = load_rulebook(files.rulebook_path).holiday_months
            # the marts of the engine that built them (HOTLINE_ENGINE): on Spark never the DuckDB file
            with engine.marts_reader().open_month(context.partition_key) as con:
                report = evaluate_history(con, context.partition_key, holidays, settings, indicators)
        except Exception as error:  # noqa: BLE001 - a broken alert setting must not stop the bulletin
            context.log.warning(f"{asset} history check could not run: {error}")
            return dg.AssetCheckResult(
                passed=False,
                severity=dg.AssetCheckSeverity.WARN,
                description=f"the history check could not run: {type(error).__name__}: {error}",
            )
        context.log.info(f"{asset} {context.partition_key}: {report.history_summary}")
        return history_check_result(report)

    return _check


history_checks: list[dg.AssetChecksDefinition] = [
    _build("marts/fct_unit_scores", UNIT_INDICATORS, "Each unit's orders and three rates"),
    _build("marts/fct_county_data_quality", COUNTY_INDICATORS, "Each county's uptime and data-quality items"),
]
