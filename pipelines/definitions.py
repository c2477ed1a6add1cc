"""The one Dagster `Definitions` of the hotline-bulletin code location."""

from __future__ import annotations

import dagster as dg

from pipelines.assets.bulletin import bulletin
from pipelines.assets.dbt_models import dbt_models
from pipelines.assets.history_checks import history_checks
from pipelines.assets.lake import lake
from pipelines.assets.raw import raw_assets
from pipelines.assets.reference import rulebook, working_calendar
from pipelines.assets.report_cards import unit_report_cards
from pipelines.assets.validation import validation_assets, validation_checks
from pipelines.assets.whatif import whatif_job
from pipelines.partitions import monthly_partitions
from pipelines.resources import build_resources
from pipelines.sensors import build_automation
from pipelines.settings import Settings

MONTHLY_JOB_NAME = "monthly_bulletin"

monthly_bulletin_job = dg.define_asset_job(
    MONTHLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    partitions_def=monthly_partitions,
    description="One month: load the inputs, run the dbt models and tests, write the bulletin.",
)


def build_definitions(settings: Settings) -> dg.Definitions:
    """Definitions wired to the given paths (the CLI builds its own from its flags)."""
    # alert sensors, the monthly schedule and the landing-folder sensor (docs/alerts.md)
    automation = build_automation(monthly_bulletin_job)
    # Spark: the lake's parquet tables sit between the raw assets and the models (pipelines/assets/lake.py)
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
        resources=build_resources(settings),
        # DuckDB allows one writing process per file: steps run one after another in the run's
        # process, and separate runs wait for the warehouse lock (pipelines/warehouse.py).
        executor=dg.in_process_executor,
    )


defs = build_definitions(Settings.from_env())
