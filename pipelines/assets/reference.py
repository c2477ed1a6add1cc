"""Reference tables the dbt models read: the rulebook in force for the month and the working calendar."""

import dagster as dg

from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.resources import HotlineFiles, WarehouseResource

REFERENCE_GROUP = "ingest"
RULEBOOK_TABLES = ("rulebook_params", "rulebook_time_limits", "rulebook_texts")

@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=dg.AssetKey(["raw", table]),
            group_name=REFERENCE_GROUP,
            description=f"`raw.{table}`: the rulebook version in force for the month (config/rulebook.yaml).",
            kinds={"duckdb", "yaml"},
        )
        for table in RULEBOOK_TABLES
    ],
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    name="rulebook",
)
def rulebook(context: dg.AssetExecutionContext, files: HotlineFiles, warehouse: WarehouseResource):
    """Validate the rulebook file and write the version in force for the month."""
    from pipelines.rulebook import write_rulebook_for_month

    month = context.partition_key
    with warehouse.get_connection() as con:
        version = write_rulebook_for_month(con, month, files.rulebook_path)
        rows = {
            table: con.execute(f"select count(*) from raw.{table} where month = ?", [month]).fetchone()[0]
            for table in RULEBOOK_TABLES
        }
    context.log.info(f"{month} is scored with the rulebook version effective from {version}")
    for table in RULEBOOK_TABLES:
        yield dg.MaterializeResult(
            asset_key=dg.AssetKey(["raw", table]),
            metadata={
                "rulebook_version": version,
                "rulebook_file": files.rulebook_path,
                "dagster/row_count": rows[table],
            },
        )


@dg.asset(
    key=dg.AssetKey(["raw", "working_calendar"]),
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    group_name=REFERENCE_GROUP,
    description="`raw.working_calendar`: PRC statutory calendar with adjusted working days (replaced whole).",
    kinds={"duckdb", "python"},
)
def working_calendar(warehouse: WarehouseResource) -> dg.MaterializeResult:
    from pipelines.working_calendar import write_working_calendar

    with warehouse.get_connection() as con:
        days = write_working_calendar(con)
    return dg.MaterializeResult(metadata={"dagster/row_count": days})
