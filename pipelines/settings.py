"""Where things are: every path and secret comes from an env var with a sane default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
CONFIG_DIR = PROJECT_ROOT / "config"
#: the default home of the landing folder, the warehouse, the output and the lake
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
#: the default Dagster instance (the Makefile exports it as DAGSTER_HOME for `make dev`)
DEFAULT_DAGSTER_HOME = DEFAULT_DATA_DIR / "dagster_home"

#: the salt earlier versions documented: public, so a run using it warns (pipelines/salt.py)
DEFAULT_PHONE_SALT = "hotline-bulletin-default-salt"

#: engines the dbt project runs on (HOTLINE_ENGINE); the first is the default
ENGINES = ("duckdb", "spark")


def engine_from_env() -> str:
    """HOTLINE_ENGINE (duckdb | spark, case-insensitive; default duckdb); anything else raises ValueError."""
    value = os.environ.get("HOTLINE_ENGINE", "").strip().lower() or ENGINES[0]
    if value not in ENGINES:
        raise ValueError(
            f"HOTLINE_ENGINE={os.environ.get('HOTLINE_ENGINE')!r} is not an engine: "
            f"set it to one of {', '.join(ENGINES)} (or leave it unset for duckdb)"
        )
    return value


def dbt_target_from_env(engine: str) -> str:
    """HOTLINE_DBT_TARGET (an output of dbt_project/profiles.yml), default: the engine's name."""
    return os.environ.get("HOTLINE_DBT_TARGET", "").strip() or engine


def absolute(path: str | Path) -> Path:
    """`path`, relative ones taken from the current folder (as the env vars are documented)."""
    path = Path(str(path).strip())
    return path if path.is_absolute() else Path.cwd() / path


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return absolute(value) if value else default


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    output_dir: Path
    dagster_home: Path
    rulebook_path: Path
    bulletin_config_path: Path
    phone_salt: str
    #: the engine of the dbt models and the bulletin's reads (HOTLINE_ENGINE)
    engine: str = ENGINES[0]
    #: the dbt target (HOTLINE_DBT_TARGET, default the engine: duckdb, spark; spark_thrift for a cluster)
    dbt_target: str = ENGINES[0]
    #: Spark only: the month's accepted raw tables as parquet, the Spark warehouse and metastore
    lake_dir: Path = PROJECT_ROOT / "data" / "lake"

    @classmethod
    def from_env(cls) -> Settings:
        data = DEFAULT_DATA_DIR
        return cls(
            landing_dir=_path_from_env("HOTLINE_LANDING", data / "landing"),
            warehouse_path=_path_from_env("HOTLINE_WAREHOUSE", data / "warehouse.duckdb"),
            output_dir=_path_from_env("HOTLINE_OUTPUT", data / "output"),
            dagster_home=_path_from_env("DAGSTER_HOME", data / "dagster_home"),
            rulebook_path=_path_from_env("HOTLINE_RULEBOOK", CONFIG_DIR / "rulebook.yaml"),
            bulletin_config_path=_path_from_env("HOTLINE_BULLETIN_CONFIG", CONFIG_DIR / "bulletin.yaml"),
            # empty: the random salt kept in DAGSTER_HOME (pipelines/salt.py resolve_phone_salt)
            phone_salt=os.environ.get("HOTLINE_PHONE_SALT", "").strip(),
            engine=(engine := engine_from_env()),
            dbt_target=dbt_target_from_env(engine),
            lake_dir=_path_from_env("HOTLINE_LAKE", data / "lake"),
        )
