from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.bulletin.marts_fixture import SETTINGS_PATH, build_warehouse


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture month, built once; each test works on its own copy."""
    return build_warehouse(tmp_path_factory.mktemp("template") / "warehouse.duckdb")


@pytest.fixture
def warehouse(warehouse_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(warehouse_template, tmp_path / "warehouse.duckdb"))


@pytest.fixture
def con(warehouse: Path):
    connection = duckdb.connect(str(warehouse))
    yield connection
    connection.close()


@pytest.fixture
def settings_path() -> Path:
    return SETTINGS_PATH
