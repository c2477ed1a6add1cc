"""Dagster resources, configured from env vars with sane defaults (see pipelines/settings.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.settings import Settings
from pipelines.warehouse import open_warehouse, warehouse_lock

if TYPE_CHECKING:
    from pipelines.engines.readers import MartsReader


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse; a connection is only handed out under the warehouse's writer lock.

    Another program holding the file (a notebook, DBeaver) makes the step wait at most
    HOTLINE_WAREHOUSE_WAIT seconds, then fail naming that program's PID (pipelines/warehouse.py),
    instead of dagster-duckdb's ten retries over about 100 s.
    """

    @property
    def path(self) -> Path:
        return Path(self.database)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse_lock(self.path):
            con = open_warehouse(
                self.path,
                config={"custom_user_agent": "dagster", **self.connection_config},
                notify=dg.get_dagster_logger().warning,
            )
            try:
                yield con
            finally:
                con.close()


class HotlineFiles(dg.ConfigurableResource):
    """Where the month's files come from and where the bulletin goes."""

    landing_dir: str
    output_dir: str
    rulebook_path: str
    bulletin_config_path: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        # the run's process, so that run monitoring can tell when it died (pipelines/run_liveness.py)
        if context.instance is not None and run is not None:
            from pipelines.run_liveness import tag_run_with_process

            tag_run_with_process(context.instance, run)
        # a run the daemon launched: output writable and disk room before any step touches the
        # warehouse (`hotline run` checked this before creating its run; pipelines/preflight.py)
        month = run.tags.get("dagster/partition") if run is not None else None
        if month and run.tags.get("hotline/trigger") != "cli":
            from dataclasses import replace

            from pipelines.preflight import check_run_can_write

            check_run_can_write(replace(Settings.from_env(), output_dir=self.output), month)

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def output(self) -> Path:
        return Path(self.output_dir)


class EngineResource(dg.ConfigurableResource):
    """The engine of the dbt models (HOTLINE_ENGINE), its dbt target and, for Spark, the lake."""

    engine: str
    dbt_target: str
    lake_dir: str
    warehouse_path: str

    @property
    def lake(self) -> Path:
        return Path(self.lake_dir)

    def marts_reader(self) -> MartsReader:
        """The reader of the marts this engine built (a DuckDB connection for the bulletin)."""
        from pipelines.engines.readers import marts_reader

        return marts_reader(self.engine, self.dbt_target, self.lake, Path(self.warehouse_path))


def build_resources(settings: Settings) -> dict[str, object]:
    from pipelines.models.project import build_dbt_resource

    return {
        "engine": EngineResource(
            engine=settings.engine,
            dbt_target=settings.dbt_target,
            lake_dir=str(settings.lake_dir),
            warehouse_path=str(settings.warehouse_path),
        ),
        "warehouse": WarehouseResource(database=str(settings.warehouse_path)),
        "files": HotlineFiles(
            landing_dir=str(settings.landing_dir),
            output_dir=str(settings.output_dir),
            rulebook_path=str(settings.rulebook_path),
            bulletin_config_path=str(settings.bulletin_config_path),
        ),
        "dbt": build_dbt_resource(),
    }
