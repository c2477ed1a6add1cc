"""The ingest assets: what the dbt models read, loaded into `raw.*` for one month.

* one asset per input of the contract: landing file → `raw.<input>` (the month replaced);
* the reference tables: the rulebook version in force for the month (`raw.rulebook_*`) and the
  working calendar (`raw.working_calendar`).
"""

import dagster as dg

from pipelines.contract import INPUTS, InputSpec
from pipelines.ingest.load import load_month_input
from pipelines.ingest.locate import find_input_file
from pipelines.ingest.normalize import uses_salt
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.previews import month_preview
from pipelines.resources import HotlineFiles, InstanceHome, WarehouseResource

INGEST_GROUP = "ingest"

def raw_asset_key(spec: InputSpec) -> dg.AssetKey:
    """Same key as dagster-dbt gives the dbt source `raw.<input>`, so the lineage is one graph."""
    return dg.AssetKey(["raw", spec.name])

def _description(spec: InputSpec) -> str:
    where = "`<landing>/units.<ext>` (a month folder's copy wins)" if spec.reference else (
        f"`<landing>/<YYYY-MM>/{spec.name}.<ext>`"
    )
    need = "required" if spec.required_file else "optional: a missing file means no rows that month"
    return f"{spec.title} — loaded from {where} ({need}) into `raw.{spec.name}`, the month's rows replaced."

def build_raw_asset(spec: InputSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(spec),
        partitions_def=monthly_partitions,
        backfill_policy=ONE_MONTH_PER_RUN,
        group_name=INGEST_GROUP,
        description=_description(spec),
        kinds={"duckdb", "python"},
    )
    def _raw_input(
        context: dg.AssetExecutionContext,
        files: HotlineFiles,
        warehouse: WarehouseResource,
        home: InstanceHome,
    ) -> dg.MaterializeResult:
        # the contract checks that follow need Great Expectations: import it while the loads run
        from pipelines.validation.warm_up import warm_up_in_background

        warm_up_in_background()
        month = context.partition_key
        path = find_input_file(files.landing, month, spec)
        salt = home.salt()
        if salt.warning and uses_salt(spec):
            context.log.warning(salt.warning)
        with warehouse.get_connection() as con:
            summary = load_month_input(con, spec, path, month, salt.value)
            month_rows, preview = month_preview(con, f"raw.{spec.name}", month, order_by="source_row")
        if path is None:
            context.log.info(f"{spec.name}: no file for {month}; stored as an empty month")
        else:
            context.log.info(
                f"{spec.name}: {summary.rows_read} rows read from {path.name}"
                f" ({summary.rows_with_load_errors} with unparseable cells)"
            )
        return dg.MaterializeResult(
            metadata={
                "source_file": str(path) if path else "(none)",
                "format": summary.format or "",
                "encoding": summary.encoding or "",
                "dagster/row_count": summary.rows_read,
                "rows_read": summary.rows_read,
                "rows_with_load_errors": summary.rows_with_load_errors,
                "ignored_columns": ", ".join(summary.ignored_columns),
                "header_row": summary.header_row,
                "skipped_rows": "; ".join(summary.skipped_rows) or "(none)",
                "reader_notes": "; ".join(summary.notes) or "(none)",
                "rows_in_warehouse": month_rows,
                "preview": dg.MetadataValue.md(preview or "(no rows)"),
            }
        )

    return _raw_input

raw_assets: list[dg.AssetsDefinition] = [build_raw_asset(spec) for spec in INPUTS]


# ------------------------------------------------------------------------------------------------
# reference tables the dbt models read

REFERENCE_GROUP = INGEST_GROUP
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
