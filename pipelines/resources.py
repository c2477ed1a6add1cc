"""Dagster resources: the one way paths and secrets reach assets, checks, sensors and jobs.

Every resource field that says where something is (or holds a secret) is set in one of two ways:

* `resources_from_env()` (the code location `dagster dev` / `dagster-webserver` / the daemon load,
  pipelines/definitions.py): `dg.EnvVar("HOTLINE_…")` for each variable that is set, so Dagster
  reads it in the run's process and the UI shows the variable's name (never a secret's value); an
  unset variable takes the documented default (pipelines/settings.py), shown as that path;
* `build_resources(settings)` (`hotline run` and the tests): the values of a `Settings`, which the
  CLI builds from its flags (`--landing`, `--warehouse`, `--output`) over the same env vars.

No asset reads a path or secret from `os.environ`, and nothing writes one there: dbt, a subprocess,
gets the warehouse, the lake and the month in its own environment
(pipelines/models/project.py `HotlineDbtCliResource.cli`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipelines.models.project import build_dbt_resource
from pipelines.settings import (
    CONFIG_DIR,
    DEFAULT_DAGSTER_HOME,
    DEFAULT_DATA_DIR,
    ENGINES,
    Settings,
    absolute,
)
from pipelines.warehouse import open_warehouse, warehouse_lock

if TYPE_CHECKING:
    from pipelines.engines.readers import MartsReader
    from pipelines.salt import PhoneSalt


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse; a connection is only handed out under the warehouse's writer lock.

    Another program holding the file (a notebook, DBeaver) makes the step wait at most
    HOTLINE_WAREHOUSE_WAIT seconds, then fail naming that program's PID (pipelines/warehouse.py),
    instead of dagster-duckdb's ten retries over about 100 s.
    """

    @property
    def path(self) -> Path:
        return absolute(self.database)

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

    landing_dir: str = Field(description="the landing folder, <landing>/<YYYY-MM>/ (HOTLINE_LANDING)")
    output_dir: str = Field(description="the bulletin files, <output>/<YYYY-MM>/ (HOTLINE_OUTPUT)")
    rulebook_path: str = Field(description="config/rulebook.yaml (HOTLINE_RULEBOOK)")
    bulletin_config_path: str = Field(description="config/bulletin.yaml (HOTLINE_BULLETIN_CONFIG)")

    @property
    def landing(self) -> Path:
        return absolute(self.landing_dir)

    @property
    def output(self) -> Path:
        return absolute(self.output_dir)

    @property
    def rulebook(self) -> Path:
        return absolute(self.rulebook_path)

    @property
    def bulletin_config(self) -> Path:
        return absolute(self.bulletin_config_path)


class InstanceHome(dg.ConfigurableResource):
    """The Dagster instance's folder (DAGSTER_HOME) and what is kept there for the runs: the phone
    salt (HOTLINE_PHONE_SALT, else the random `<DAGSTER_HOME>/phone_salt`, pipelines/salt.py), the
    dbt artifacts, the markers of runs in progress. At the start of a run it checks that the run
    can write (pipelines/preflight.py)."""

    dagster_home: str = Field(description="the Dagster instance's folder (DAGSTER_HOME)")
    phone_salt: str = Field(default="", description="the caller-phone hash salt (HOTLINE_PHONE_SALT)")
    #: the other resources (the same objects as the `files` and `warehouse` resources)
    files: HotlineFiles
    warehouse: WarehouseResource

    @property
    def home(self) -> Path:
        return absolute(self.dagster_home)

    def settings(self) -> Settings:
        """Every path as a Settings (for pipelines/preflight.py, previous_month.py and salt.py)."""
        return Settings(
            landing_dir=self.files.landing,
            warehouse_path=self.warehouse.path,
            output_dir=self.files.output,
            dagster_home=self.home,
            rulebook_path=self.files.rulebook,
            bulletin_config_path=self.files.bulletin_config,
            phone_salt=self.phone_salt,
        )

    def salt(self) -> PhoneSalt:
        from pipelines.salt import resolve_phone_salt

        return resolve_phone_salt(self.settings())

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run = context.dagster_run
        # the run's process, so that run monitoring can tell when it died (pipelines/run_liveness.py)
        if context.instance is not None and run is not None:
            from pipelines.run_liveness import tag_run_with_process

            tag_run_with_process(context.instance, run)
        # a run the daemon or the UI launched: output writable and disk room before any step touches
        # the warehouse (`hotline run` checked this before creating its run; pipelines/preflight.py)
        month = run.tags.get("dagster/partition") if run is not None else None
        if month and run.tags.get("hotline/trigger") != "cli":
            from pipelines.preflight import check_run_can_write

            check_run_can_write(self.settings(), month)


class EngineResource(dg.ConfigurableResource):
    """The engine of the dbt models (HOTLINE_ENGINE), its dbt target and, for Spark, the lake."""

    engine: str
    dbt_target: str
    lake_dir: str
    warehouse_path: str

    @property
    def lake(self) -> Path:
        return absolute(self.lake_dir)

    def marts_reader(self) -> MartsReader:
        """The reader of the marts this engine built (a DuckDB connection for the bulletin)."""
        from pipelines.engines.readers import marts_reader

        return marts_reader(self.engine, self.dbt_target, self.lake, absolute(self.warehouse_path))


def build_resources(settings: Settings) -> dict[str, object]:
    """The resources of `settings`' values (`hotline run` from its flags, the tests)."""
    return _resources(
        {
            "landing": str(settings.landing_dir),
            "warehouse": str(settings.warehouse_path),
            "output": str(settings.output_dir),
            "rulebook": str(settings.rulebook_path),
            "bulletin_config": str(settings.bulletin_config_path),
            "dagster_home": str(settings.dagster_home),
            "phone_salt": settings.phone_salt,
            "lake": str(settings.lake_dir),
        },
        settings.engine,
        settings.dbt_target,
    )


#: resource value → (env var, default when unset); the defaults are pipelines/settings.py's
ENV_VARS: dict[str, tuple[str, str]] = {
    "landing": ("HOTLINE_LANDING", str(DEFAULT_DATA_DIR / "landing")),
    "warehouse": ("HOTLINE_WAREHOUSE", str(DEFAULT_DATA_DIR / "warehouse.duckdb")),
    "output": ("HOTLINE_OUTPUT", str(DEFAULT_DATA_DIR / "output")),
    "rulebook": ("HOTLINE_RULEBOOK", str(CONFIG_DIR / "rulebook.yaml")),
    "bulletin_config": ("HOTLINE_BULLETIN_CONFIG", str(CONFIG_DIR / "bulletin.yaml")),
    "dagster_home": ("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME)),
    "phone_salt": ("HOTLINE_PHONE_SALT", ""),
    "lake": ("HOTLINE_LAKE", str(DEFAULT_DATA_DIR / "lake")),
}


def env_value(name: str, default: str, environ: Mapping[str, str] | None = None) -> str | dg.EnvVar:
    """`dg.EnvVar(name)` when the variable is set (read by Dagster in the run's process), else the
    documented default."""
    value = (os.environ if environ is None else environ).get(name, "")
    return dg.EnvVar(name) if value.strip() else default


def resources_from_env(
    engine: str = ENGINES[0], dbt_target: str = ENGINES[0], environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The resources of the code location: `dg.EnvVar` for every variable that is set."""
    values = {key: env_value(name, default, environ) for key, (name, default) in ENV_VARS.items()}
    return _resources(values, engine, dbt_target)


def _resources(values: Mapping[str, Any], engine: str, dbt_target: str) -> dict[str, object]:
    warehouse = WarehouseResource(database=values["warehouse"])
    files = HotlineFiles(
        landing_dir=values["landing"],
        output_dir=values["output"],
        rulebook_path=values["rulebook"],
        bulletin_config_path=values["bulletin_config"],
    )
    return {
        "engine": EngineResource(
            engine=engine,
            dbt_target=dbt_target,
            lake_dir=values["lake"],
            warehouse_path=values["warehouse"],
        ),
        "warehouse": warehouse,
        "files": files,
        "home": InstanceHome(
            dagster_home=values["dagster_home"],
            phone_salt=values["phone_salt"],
            files=files,
            warehouse=warehouse,
        ),
        "dbt": build_dbt_resource(engine, dbt_target, values["dagster_home"]),
    }
