"""The final asset: the month's bulletin files under `<output>/<YYYY-MM>/`."""

from pathlib import Path

import dagster as dg

from pipelines.partitions import monthly_partitions
from pipelines.resources import HotlineFiles, WarehouseResource

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
)

@dg.asset(
    partitions_def=monthly_partitions,
    group_name=BULLETIN_GROUP,
    deps=[dg.AssetKey(["marts", name]) for name in BULLETIN_INPUTS],
    description="绩效考评情况通报: bulletin.json (public interface) and bulletin.md for the month.",
    kinds={"python"},
)
def bulletin(
    context: dg.AssetExecutionContext, files: HotlineFiles, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    from pipelines.bulletin.writer import write_bulletin

    month = context.partition_key
    with warehouse.get_connection() as con:
        written = write_bulletin(con, month, files.output, Path(files.bulletin_config_path))
    figures = written.bulletin
    intake = figures.get("intake", {})
    context.log.info(f"bulletin for {month} written to {written.json_path.parent}")
    return dg.MaterializeResult(
        metadata={
            "folder": dg.MetadataValue.path(str(written.json_path.parent)),
            "bulletin.json": dg.MetadataValue.path(str(written.json_path)),
            "bulletin.md": dg.MetadataValue.path(str(written.markdown_path)),
            "rulebook_version": str(figures.get("rulebook_version")),
            "total_requests": intake.get("total"),
            "dispatched": intake.get("dispatched"),
            "satisfaction_rate": intake.get("satisfaction_rate"),
        }
    )
