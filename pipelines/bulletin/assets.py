"""The bulletin's assets: the month's documents under `<output>/<YYYY-MM>/`.

* `bulletin`: bulletin.json (public interface), .md, .docx, .xlsx, .html and charts;
* `unit_report_cards`: every ranked unit's report card, `units/<unit_code>.html|.docx` and
  `units/index.html`. A sibling of `bulletin` (same group, same monthly partition, the same marts
  upstream plus `fct_lost_point_orders`), so that the UI shows the cards apart from the bulletin.

Both sit behind the publication gate (the blocking `quarantine_share` check on `marts/fct_intake`)
and read the marts through the engine that built them (pipelines/engines/readers.py).
"""

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
#: the marts the cards read: the bulletin's, and the times of the orders behind lost points
REPORT_CARD_INPUTS = (*BULLETIN_INPUTS, "fct_lost_point_orders")


def _monthly_document_asset(inputs: tuple[str, ...], description: str):
    """The decorator shared by the bulletin's assets: monthly, one month a run, the marts upstream."""
    return dg.asset(
        partitions_def=monthly_partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        group_name=BULLETIN_GROUP,
        deps=[dg.AssetKey(["marts", name]) for name in inputs],
        description=description,
        kinds={"python"},
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


@_monthly_document_asset(
    BULLETIN_INPUTS,
    "绩效考评情况通报 of the month: bulletin.json (public interface), bulletin.md, bulletin.docx, "
    "bulletin.xlsx, bulletin.html and charts/*.png under `<output>/<YYYY-MM>/`.",
)
def bulletin(
    context: dg.AssetExecutionContext, files: HotlineFiles, engine: EngineResource
) -> dg.MaterializeResult:
    """Read the marts through the engine that built them (pipelines/engines/readers.py), write the files."""
    from pipelines.bulletin.check_metadata import check_counts
    from pipelines.bulletin.metadata import asset_metadata
    from pipelines.bulletin.writer import write_bulletin

    month = context.partition_key
    with engine.marts_reader().open_month(month) as con:
        written = write_bulletin(con, month, files.output, Path(files.bulletin_config_path))
    context.log.info(f"bulletin for {month} written to {written.directory}")
    version = written.version
    if version is not None and version.created and version.previous is not None:
        _alert_correction(context, files, month, version)
    # the month's check results as numbers the UI plots (pipelines/bulletin/check_metadata.py)
    checks = check_counts(context.instance, context.run_id)
    return dg.MaterializeResult(metadata={**asset_metadata(written), **checks})


@_monthly_document_asset(
    REPORT_CARD_INPUTS,
    "单位考评明细: a report card per ranked unit, `<output>/<YYYY-MM>/units/<unit_code>.html` "
    "and `.docx`, and `units/index.html` linking them all.",
)
def unit_report_cards(
    context: dg.AssetExecutionContext, files: HotlineFiles, engine: EngineResource
) -> dg.MaterializeResult:
    from pipelines.bulletin.report_cards import read_card_figures, write_cards

    month = context.partition_key
    # read through the engine that built the marts (under its lock), render and write without it
    with engine.marts_reader().open_month(month) as con:
        figures = read_card_figures(con, month)
    cards = write_cards(figures, files.output, Path(files.bulletin_config_path))
    context.log.info(f"{cards.count} report cards for {month} written to {cards.directory}")
    return dg.MaterializeResult(
        metadata={
            "cards": cards.count,
            "index": dg.MetadataValue.path(str(cards.index_path)),
            "folder": dg.MetadataValue.path(str(cards.directory)),
        }
    )
