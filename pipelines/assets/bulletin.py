"""The final asset: the month's bulletin files under `<output>/<YYYY-MM>/`."""

from pathlib import Path

import dagster as dg

from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.resources import EngineResource, HotlineFiles

BULLETIN_GROUP = "bulletin"
#: the marts the bulletin reads (its upstream in the lineage graph)
BULLETIN_INPUTS = (
    "dim_units",
    "fct_intake",
    "fct_intake_by_channel",
    "fct_intake_by_category",
    "fct_province_summary",
    "fct_province_units",
    "fct_unit_scores",
    "fct_county_data_quality",
    "fct_explanations",
    "fct_quality_summary",
    "fct_quality_lowest",
    "fct_unit_findings",
    "fct_duty_phone_calls",
    "fct_unit_monthly_totals",
    "fct_year_to_date",
    "fct_recovery",
    "fct_appeals",
)

def _alert_correction(context: dg.AssetExecutionContext, files: HotlineFiles, month: str, version) -> None:
    """A published month's figures changed: alert once (alerts.jsonl and the configured channels)."""
    from pipelines.alerts.corrections import correction_alert
    from pipelines.alerts.dispatch import AlertDispatcher
    from pipelines.alerts.settings import AlertSettings

    context.log.warning(
        f"{month}: published figures changed, version {version.previous} → {version.version} "
        f"({version.changed_figures} figures; corrections.json)"
    )
    alert = correction_alert(
        month, version.version, version.previous, version.changes, version.corrections_path,
        {"asset": "bulletin", "run_id": context.run_id},
    )  # fmt: skip
    dispatcher = AlertDispatcher(AlertSettings.from_env(output_dir=files.output), logger=context.log)
    context.log.info(dispatcher.dispatch([alert]).summary())


@dg.asset(
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    group_name=BULLETIN_GROUP,
    deps=[dg.AssetKey(["marts", name]) for name in BULLETIN_INPUTS],
    description=(
        "绩效考评情况通报 of the month: bulletin.json (public interface), bulletin.md, bulletin.docx, "
        "bulletin.xlsx, bulletin.html and charts/*.png under `<output>/<YYYY-MM>/`."
    ),
    kinds={"python"},
)
def bulletin(
    context: dg.AssetExecutionContext, files: HotlineFiles, engine: EngineResource
) -> dg.MaterializeResult:
    """Read the marts through the engine that built them (pipelines/engines/readers.py), write the files."""
    from pipelines.assets.check_metadata import check_counts
    from pipelines.bulletin.metadata import asset_metadata
    from pipelines.bulletin.writer import write_bulletin

    month = context.partition_key
    with engine.marts_reader().open_month(month) as con:
        written = write_bulletin(con, month, files.output, Path(files.bulletin_config_path))
    context.log.info(f"bulletin for {month} written to {written.directory}")
    version = written.version
    if version is not None and version.created and version.previous is not None:
        _alert_correction(context, files, month, version)
    # the month's check results as numbers the UI plots (pipelines/assets/check_metadata.py)
    checks = check_counts(context.instance, context.run_id)
    return dg.MaterializeResult(metadata={**asset_metadata(written), **checks})
