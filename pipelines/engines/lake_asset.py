"""Spark only: the month's accepted raw tables as parquet in the lake, the dbt sources on Spark.

One asset `lake/<table>` per dbt source `raw.<table>` (the dbt models on Spark depend on these
instead of the DuckDB tables). Nothing upstream changes: the raw assets load DuckDB and validation
runs there as before; this step copies what was accepted (pipelines/engines/lake.py). The blocking
check `lake/<input>:accepted_rows` holds when the parquet of every input has exactly the month's
accepted rows (rows read − rows quarantined) and `lake/quarantine` exactly `raw.quarantine`'s.
"""

import dagster as dg

from pipelines.contract import INPUTS
from pipelines.engines.lake import LAKE_TABLES, accepted_rows, export_month
from pipelines.engines.readers import lake_lock
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.resources import EngineResource, WarehouseResource
from pipelines.validation.assets import QUARANTINE_KEY

LAKE_GROUP = "lake"
ACCEPTED_ROWS_CHECK = "accepted_rows"
#: the tables whose rows are checked against the warehouse
CHECKED_TABLES = (*(spec.name for spec in INPUTS), "quarantine")


def lake_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["lake", table])


def _deps(table: str) -> list[dg.AssetKey]:
    raw = dg.AssetKey(["raw", table])
    return [raw, QUARANTINE_KEY] if table in {spec.name for spec in INPUTS} else [raw]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=lake_asset_key(table),
            deps=_deps(table),
            group_name=LAKE_GROUP,
            description=(
                f"`<lake>/raw/{table}/`: the month's accepted rows of `raw.{table}` as parquet "
                "(partitioned by month), the dbt source on Spark; personal text masked."
            ),
            kinds={"parquet", "spark"},
        )
        for table in LAKE_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            ACCEPTED_ROWS_CHECK,
            asset=lake_asset_key(table),
            blocking=True,
            description="rows in the lake = the month's accepted rows in the warehouse (read − quarantined)",
        )
        for table in CHECKED_TABLES
    ],
    partitions_def=monthly_partitions,
    backfill_policy=ONE_MONTH_PER_RUN,
    name="lake",
)
def lake(context: dg.AssetExecutionContext, warehouse: WarehouseResource, engine: EngineResource):
    """Write the month's lake tables from the warehouse and check their row counts."""
    month = context.partition_key
    with lake_lock(engine.lake), warehouse.get_connection() as con:
        written = export_month(con, engine.lake, month)
        expected = accepted_rows(con, month)
    for table, item in written.items():
        yield dg.MaterializeResult(
            asset_key=lake_asset_key(table),
            metadata={"dagster/row_count": item.rows, "path": str(item.path)},
        )
    for table in CHECKED_TABLES:
        rows, accepted = written[table].rows, expected[table]
        yield dg.AssetCheckResult(
            asset_key=lake_asset_key(table),
            check_name=ACCEPTED_ROWS_CHECK,
            passed=rows == accepted,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"{rows} rows in the lake = {accepted} accepted in the warehouse"
                if rows == accepted
                else f"{table}: {rows} rows written to the lake but {accepted} accepted in the warehouse "
                "(re-run the month)"
            ),
            metadata={"rows_in_lake": rows, "rows_accepted": accepted},
        )
    context.log.info(f"{month}: {sum(w.rows for w in written.values())} rows written to {engine.lake}")
