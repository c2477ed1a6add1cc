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

if TYPE_CHECKING:
    from pipelines.engines.readers import MartsReader
from pipelines.warehouse import warehouse_lock


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse; a connection is only handed out under the warehouse's writer lock."""

    @property
    def path(self) -> Path:
        return Path(self.database)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse_lock(self.path), super().get_connection() as con:
            yield con


class HotlineFiles(dg.ConfigurableResource):
    """Where the month's files come from and where the bulletin goes."""

    landing_dir: str
    output_dir: str
    rulebook_path: str
    bulletin_config_path: str

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
    from pipelines.project import build_dbt_resource

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
