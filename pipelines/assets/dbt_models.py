"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import json
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.partitions import monthly_partitions
from pipelines.project import dbt_project
from pipelines.resources import WarehouseResource
from pipelines.warehouse import warehouse_lock

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
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build` of the selected models for the partition's month, holding the warehouse lock."""
    os.environ["HOTLINE_WAREHOUSE"] = str(warehouse.path)
    with warehouse_lock(warehouse.path):
        args = ["build", "--vars", dbt_vars_for_month(context.partition_key)]
        yield from dbt.cli(args, context=context).stream()
