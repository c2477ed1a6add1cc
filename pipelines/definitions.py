"""The one Dagster `Definitions` of the hotline-bulletin code location."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg

# one folder per domain, each holding its assets, checks and sensors (README "Layout")
from pipelines.alerts.checks import history_checks
from pipelines.automation import build_automation
from pipelines.bulletin.assets import bulletin, unit_report_cards
from pipelines.engines.lake_asset import lake
from pipelines.ingest.assets import raw_assets, rulebook, working_calendar
from pipelines.models.assets import dbt_models
from pipelines.partitions import monthly_partitions
from pipelines.resources import build_resources, resources_from_env
from pipelines.settings import Settings
from pipelines.validation.assets import validation_assets
from pipelines.validation.checks import validation_checks
from pipelines.whatif.job import whatif_job

MONTHLY_JOB_NAME = "monthly_bulletin"

monthly_bulletin_job = dg.define_asset_job(
    MONTHLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=monthly_partitions,
    description="One month: load the inputs, run the dbt models and tests, write the bulletin.",
)


def build_definitions(settings: Settings, resources: Mapping[str, object] | None = None) -> dg.Definitions:
    """Definitions of `settings`' engine; resources built from `settings`' values unless given
    (the code location below gives its `dg.EnvVar` resources; `hotline run` builds from its flags)."""
    # alert sensors, the monthly schedule and the landing-folder sensor (docs/alerts.md)
    automation = build_automation(monthly_bulletin_job)
    # Spark: the lake's parquet tables sit between the raw assets and the models
    # (pipelines/engines/lake_asset.py)
    engine_assets = [lake] if settings.engine == "spark" else []
    return dg.Definitions(
        assets=[
            *raw_assets,
            *validation_assets,
            rulebook,
            working_calendar,
            *engine_assets,
            dbt_models,
            bulletin,
            unit_report_cards,
        ],
        # input validation: contract checks on the raw assets, reconciliation, publication gate
        asset_checks=[*validation_checks, *history_checks],
        jobs=[monthly_bulletin_job, whatif_job],
        sensors=automation.sensors,
        schedules=automation.schedules,
        resources=dict(resources) if resources is not None else build_resources(settings),
        # DuckDB allows one writing process per file: steps run one after another in the run's
        # process, and separate runs wait for the warehouse lock (pipelines/warehouse.py).
        executor=dg.in_process_executor,
    )


# the code location of `dagster dev` / `dagster-webserver` / the daemon: every path and secret
# through `dg.EnvVar`, read in the run's process (pipelines/resources.py, README "The Dagster UI")
_environment = Settings.from_env()
defs = build_definitions(_environment, resources_from_env(_environment.engine, _environment.dbt_target))
