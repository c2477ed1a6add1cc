"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.assets.previews import month_preview
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.previous_month import require_previous_month
from pipelines.project import dbt_project
from pipelines.resources import WarehouseResource
from pipelines.settings import Settings
from pipelines.warehouse import wait_until_writable, warehouse_lock

MODELS_GROUP = "models"

class HotlineDbtTranslator(DagsterDbtTranslator):
    """Models go to one group; sources keep dagster-dbt's `raw/<table>` keys (our raw assets)."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("model."):
            spec = spec.replace_attributes(group_name=MODELS_GROUP)
        return spec

def dbt_vars_for_month(month: str) -> str:
    """The `--vars` argument of one monthly run."""
    return json.dumps({"month": month})

@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=monthly_partitions,
    dagster_dbt_translator=HotlineDbtTranslator(),
    name="dbt_models",
    # dagster-dbt's default for time partitions is one run for a whole range; the models read one month
    backfill_policy=ONE_MONTH_PER_RUN,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build` of the selected models for the partition's month, holding the warehouse lock."""
    os.environ["HOTLINE_WAREHOUSE"] = str(warehouse.path)
    # the province change reads M-1: wait for or refuse without it (pipelines/previous_month.py)
    settings = replace(Settings.from_env(), warehouse_path=warehouse.path)
    require_previous_month(settings, context.partition_key, context.log.warning, grace=0)
    with warehouse_lock(warehouse.path):
        # dbt's own connection fails at once on a file another program holds: wait (bounded) here
        wait_until_writable(warehouse.path, notify=context.log.warning)
        args = ["build", "--vars", dbt_vars_for_month(context.partition_key)]
        yield from with_month_previews(
            dbt.cli(args, context=context).stream(), warehouse, context.partition_key, context.log
        )


def _relations() -> dict[str, str]:
    """dbt unique_id → `schema.alias` of every model (the catalog part depends on the file name)."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return {
        unique_id: f'"{node["schema"]}"."{node["alias"]}"'
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def model_metadata(con: duckdb.DuckDBPyConnection, relation: str, month: str) -> dict[str, Any]:
    """The month's row count and a preview of a built model (tables and views alike)."""
    rows, preview = month_preview(con, relation, month)
    return {"dagster/row_count": rows, "preview": dg.MetadataValue.md(preview or "(no rows)")}


def with_month_previews(
    events: Iterator[Any], warehouse: WarehouseResource, month: str, log: Any
) -> Iterator[Any]:
    """The dbt events, each model's output carrying its month's row count and a preview.

    dagster-dbt's `fetch_row_counts()` opens the DuckDB file in this process while dbt still
    runs, with another configuration than the warehouse resource, which then cannot connect
    ("different configuration than existing connections"). So the events are held until dbt has
    exited, then one short connection (the warehouse lock is already held by the caller) counts
    the month's rows. When dbt fails, the models it built are still reported, then the error.
    """
    held: list[Any] = []
    failure: BaseException | None = None
    try:
        for event in events:
            held.append(event)
    except Exception as exc:  # reported after the events dbt did emit
        failure = exc
    relations = _relations()
    outputs = [e for e in held if isinstance(e, dg.Output) and e.metadata.get("unique_id")]
    extra: dict[int, dict[str, Any]] = {}
    if outputs:
        try:
            con = duckdb.connect(str(warehouse.path), read_only=False)
            try:
                for event in outputs:
                    unique_id = event.metadata["unique_id"].value
                    if unique_id in relations:
                        extra[id(event)] = model_metadata(con, relations[unique_id], month)
            finally:
                con.close()
        except duckdb.Error as exc:
            log.warning(f"row counts and previews of the dbt models are missing: {exc}")
    for event in held:
        yield event.with_metadata({**event.metadata, **extra[id(event)]}) if id(event) in extra else event
    if failure is not None:
        raise failure
