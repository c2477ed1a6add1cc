"""Every dbt model as a Dagster asset; dbt tests become asset checks."""

import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from pipelines.engines.readers import lake_lock
from pipelines.models.dbt_artifacts import new_target_path
from pipelines.models.dbt_process import stop_on_failure
from pipelines.models.project import ENGINE, HotlineDbtCliResource, dbt_project
from pipelines.partitions import ONE_MONTH_PER_RUN, monthly_partitions
from pipelines.previews import month_preview
from pipelines.previous_month import require_previous_month
from pipelines.resources import EngineResource, InstanceHome, WarehouseResource
from pipelines.warehouse import wait_until_writable, warehouse_lock

#: models are grouped in the UI by their layer, the folder they live in (models/<layer>/)
MODEL_LAYERS = ("staging", "intermediate", "marts")


def model_layer(node: Mapping[str, Any]) -> str:
    """`staging`, `intermediate` or `marts`: the model's folder under dbt_project/models."""
    folder = node["fqn"][1] if len(node["fqn"]) > 2 else ""
    if folder not in MODEL_LAYERS:
        raise ValueError(f"dbt model {node['unique_id']} is outside models/{{{','.join(MODEL_LAYERS)}}}/")
    return folder


class HotlineDbtTranslator(DagsterDbtTranslator):
    """Models are grouped by layer; sources keep dagster-dbt's `raw/<table>` keys (our raw assets).

    On Spark the sources are the lake's parquet tables: their keys are `lake/<table>`
    (pipelines/engines/lake_asset.py), which depend on the raw assets.
    """

    def __init__(self, engine: str = "duckdb") -> None:
        super().__init__()
        self.engine = engine

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if unique_id.startswith("model."):
            spec = spec.replace_attributes(group_name=model_layer(manifest["nodes"][unique_id]))
        elif unique_id.startswith("source.") and self.engine == "spark":
            spec = spec.replace_attributes(key=dg.AssetKey(["lake", manifest["sources"][unique_id]["name"]]))
        return spec


#: the env var that tells dbt the month to build (dbt_project/macros/month_var.sql)
MONTH_ENV = "HOTLINE_MONTH"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def dbt_env(warehouse: Path, lake: Path, month: str) -> dict[str, str]:
    """The variables dbt_project/profiles.yml and the month macro read, for the dbt process only."""
    return {"HOTLINE_WAREHOUSE": str(warehouse), "HOTLINE_LAKE": str(lake), MONTH_ENV: month}


def dbt_vars_for_month(month: str) -> str:
    """The `--vars` argument of one monthly run (for dbt by hand; the asset passes MONTH_ENV)."""
    return json.dumps({"month": month})


def parse_state_path(warehouse_path: Path) -> Path:
    """Where the dbt parse state of runs on this warehouse is kept: beside the warehouse file.

    A different warehouse path is a different dbt profile, whose parse state dbt rejects; kept per
    warehouse, runs on other warehouses (tests, benchmarks, a second center) cannot replace it.
    """
    return warehouse_path.with_name(warehouse_path.name + ".dbt-" + PARTIAL_PARSE_FILE)


def start_from_parse_state(warehouse_path: Path, target_path: Path) -> None:
    """Put the warehouse's kept parse state where dbt looks for it (dagster-dbt leaves it there)."""
    kept = parse_state_path(warehouse_path)
    if kept.exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kept, target_path / PARTIAL_PARSE_FILE)


def keep_parse_state(warehouse_path: Path, target_path: Path) -> None:
    """Keep this run's parse state for the next run on the warehouse (replaced atomically).

    dbt re-parses only what changed since (usually nothing) instead of the whole project; dbt checks
    the file and re-parses everything when it is stale (another dbt version, project or profile).
    """
    source = target_path / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    kept = parse_state_path(warehouse_path)
    staging = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copyfile(source, staging)
    os.replace(staging, kept)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=monthly_partitions,
    dagster_dbt_translator=HotlineDbtTranslator(ENGINE),
    name="dbt_models",
    # dagster-dbt's default for time partitions is one run for a whole range; the models read one month
    backfill_policy=ONE_MONTH_PER_RUN,
)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: HotlineDbtCliResource,
    warehouse: WarehouseResource,
    engine: EngineResource,
    home: InstanceHome,
):
    """`dbt build` of the selected models for the partition's month on the engine's target, holding
    the engine's lock (the DuckDB file, or on Spark the lake's catalog).

    dbt's events reach Dagster as each model and test finishes; on DuckDB the month's row count and
    a preview of each built model follow as observations once dbt has exited (see
    `with_month_observations`).
    """
    # the province change reads M-1: wait for or refuse without it (pipelines/previous_month.py)
    require_previous_month(home.settings(), context.partition_key, context.log.warning, grace=0)
    # dbt's profile reads the warehouse and the lake from its environment, and the month as an env
    # var, not --vars (a var on the command line makes dbt re-parse everything): given to dbt only
    env = dbt_env(warehouse.path, engine.lake, context.partition_key)
    # one target folder per run and month (dbt's artifacts), starting from the warehouse's parse state
    run_folder = f"dbt_models-{context.run_id[:7]}-{context.partition_key}"
    # unit tests check the SQL, not the month's data: they run in CI (tests/dbt), not every month
    args = ["build", "--exclude-resource-type", "unit_test"]
    if engine.engine == "spark":
        # the models are not in the DuckDB file: no previews (dbt's own row counts are in the log)
        context.log.info(
            f"HOTLINE_ENGINE={engine.engine}: no row counts or previews of the models in the UI (they "
            "read the DuckDB warehouse, and the models are on Spark); dbt's log has each model's rows"
        )
        target_path = new_target_path(run_folder, home.home)
        with lake_lock(engine.lake):
            invocation = dbt.cli(args, context=context, target_path=target_path, env=env)
            yield from stop_on_failure(invocation.stream(), invocation.process)
        return
    # under DAGSTER_HOME/dbt_artifacts, the newest N kept (pipelines/models/dbt_artifacts.py)
    target_path = new_target_path(run_folder, home.home)
    with warehouse_lock(warehouse.path):
        # dbt's own connection fails at once on a file another program holds: wait (bounded) here
        wait_until_writable(warehouse.path, notify=context.log.warning)
        start_from_parse_state(warehouse.path, target_path)
        invocation = dbt.cli(args, context=context, target_path=target_path, env=env)
        yield from with_month_observations(
            # a failed step stops dbt first: it would hold the file for the observations that follow
            stop_on_failure(invocation.stream(), invocation.process),
            warehouse,
            context.partition_key,
            context.log,
            context.asset_key_for_output,
        )
        keep_parse_state(warehouse.path, target_path)


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


def with_month_observations(
    events: Iterator[Any],
    warehouse: WarehouseResource,
    month: str,
    log: Any,
    asset_key_for_output: Callable[[str], dg.AssetKey],
) -> Iterator[Any]:
    """dbt's events as they come, then one observation per built model: its month's row count
    and a preview.

    The counts need the DuckDB file, which dbt holds open for writing until it exits (and the
    adapter's response carries no row count on DuckDB): so each event is passed on at once, and
    after dbt has exited one short connection (the caller holds the warehouse lock) reads every
    built model. When dbt fails, the models it built are still observed, then the error is raised.
    """
    built: list[tuple[dg.AssetKey, str]] = []
    failure: BaseException | None = None
    try:
        for event in events:
            if isinstance(event, dg.Output) and event.metadata.get("unique_id"):
                built.append((asset_key_for_output(event.output_name), event.metadata["unique_id"].value))
            yield event
    except Exception as exc:  # the built models are still observed, then the error is raised
        failure = exc
    if built:
        relations = _relations()
        try:
            con = duckdb.connect(str(warehouse.path), read_only=False)
            try:
                for asset_key, unique_id in built:
                    if unique_id in relations:
                        yield dg.AssetObservation(
                            asset_key=asset_key,
                            partition=month,
                            metadata=model_metadata(con, relations[unique_id], month),
                        )
            finally:
                con.close()
        except duckdb.Error as exc:
            if log is not None:
                log.warning(f"row counts and previews of the dbt models are missing: {exc}")
    if failure is not None:
        raise failure
