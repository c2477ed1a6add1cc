"""pipelines/resources.py: paths and secrets reach assets as resources, from `dg.EnvVar` (the code
location) or from the CLI's settings; nothing is written into os.environ."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest

from pipelines.resources import (
    HotlineFiles,
    InstanceHome,
    WarehouseResource,
    build_resources,
    resources_from_env,
)
from pipelines.settings import CONFIG_DIR, DEFAULT_DATA_DIR, Settings


@dg.asset
def where_things_are(files: HotlineFiles, warehouse: WarehouseResource, home: InstanceHome) -> dict:
    salt = home.salt()
    return {
        "landing": files.landing,
        "output": files.output,
        "rulebook": files.rulebook,
        "warehouse": warehouse.path,
        "home": home.home,
        "salt": (salt.value, salt.source),
    }


def _paths(resources: dict[str, object]) -> dict:
    result = dg.materialize([where_things_are], resources=resources)
    assert result.success
    return result.output_for_node("where_things_are")


def test_the_code_location_reads_each_set_variable_as_an_env_var(monkeypatch, tmp_path: Path):
    for name in [key for key in os.environ if key.startswith("HOTLINE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOTLINE_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("HOTLINE_OUTPUT", "relative/out")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOTLINE_PHONE_SALT", "a-secret-salt")
    monkeypatch.chdir(tmp_path)
    resources = resources_from_env()
    # the UI shows the variable, not its value; an unset one shows its default path
    assert isinstance(resources["warehouse"].database, dg.EnvVar)
    assert resources["warehouse"].database.env_var_name == "HOTLINE_WAREHOUSE"
    assert isinstance(resources["home"].phone_salt, dg.EnvVar)
    assert resources["files"].landing_dir == str(DEFAULT_DATA_DIR / "landing")
    # read in the run's process when the run starts
    monkeypatch.setenv("HOTLINE_WAREHOUSE", str(tmp_path / "moved.duckdb"))
    paths = _paths(resources)
    assert paths["warehouse"] == tmp_path / "moved.duckdb"
    assert paths["output"] == tmp_path / "relative" / "out"
    assert paths["landing"] == DEFAULT_DATA_DIR / "landing"
    assert paths["rulebook"] == CONFIG_DIR / "rulebook.yaml"
    assert paths["home"] == tmp_path / "home"
    assert paths["salt"] == ("a-secret-salt", "HOTLINE_PHONE_SALT")


def test_the_cli_builds_the_resources_from_its_settings(monkeypatch, tmp_path: Path):
    """`hotline run --landing/--warehouse/--output` over env vars that say otherwise: the flags win,
    the salt without HOTLINE_PHONE_SALT is the random one kept in that DAGSTER_HOME, and the
    process's environment is left as it was."""
    monkeypatch.setenv("HOTLINE_WAREHOUSE", str(tmp_path / "from-env.duckdb"))
    monkeypatch.delenv("HOTLINE_PHONE_SALT", raising=False)
    settings = replace(
        Settings.from_env(),
        landing_dir=tmp_path / "flag-landing",
        warehouse_path=tmp_path / "flag.duckdb",
        output_dir=tmp_path / "flag-output",
        dagster_home=tmp_path / "home",
        phone_salt="",
    )
    before = dict(os.environ)
    paths = _paths(build_resources(settings))
    assert paths["warehouse"] == tmp_path / "flag.duckdb"
    assert paths["landing"] == tmp_path / "flag-landing"
    assert paths["output"] == tmp_path / "flag-output"
    salt_file = tmp_path / "home" / "phone_salt"
    assert paths["salt"] == (salt_file.read_text(encoding="ascii").strip(), str(salt_file))
    assert dict(os.environ) == before


def test_no_module_writes_a_path_or_secret_into_os_environ():
    """The settings reach dbt and the assets without os.environ writes (pipelines/resources.py);
    what is left are library switches (GX_ANALYTICS_ENABLED) and `hotline demo`'s HOTLINE_DEMO."""
    import re

    from pipelines.models.assets import MONTH_ENV
    from pipelines.resources import ENV_VARS
    from pipelines.settings import PROJECT_ROOT

    names = [name for name, _ in ENV_VARS.values()] + [MONTH_ENV, "HOTLINE_ENGINE", "HOTLINE_DBT_TARGET"]
    assignment = re.compile(r"os\.environ\[[^\]]+\]\s*=|os\.environ\.update\(|os\.putenv\(")
    named = re.compile(r"os\.environ\.setdefault\(\s*[\"'](" + "|".join(names) + ")[\"']")
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted((PROJECT_ROOT / "pipelines").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if assignment.search(line) or named.search(line)
    ]
    assert found == [], found


@pytest.mark.parametrize("name", ["landing", "warehouse", "output", "rulebook", "bulletin_config"])
def test_every_path_has_its_variable(name):
    from pipelines.resources import ENV_VARS

    assert ENV_VARS[name][0].startswith("HOTLINE_")
