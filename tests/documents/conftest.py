"""The fixture month of tests/bulletin (marts_fixture.py), written once with every document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.bulletin import Document, compose_bulletin, load_settings, render_markdown
from pipelines.bulletin.rules import BulletinRules, read_rules
from pipelines.bulletin.writer import BulletinFiles, write_bulletin
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH, build_warehouse


@pytest.fixture(scope="session")
def documents_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("documents") / "warehouse.duckdb")


@pytest.fixture(scope="session")
def written(documents_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> BulletinFiles:
    output = tmp_path_factory.mktemp("documents-output")
    with duckdb.connect(str(documents_warehouse), read_only=True) as con:
        return write_bulletin(con, MONTH, output, SETTINGS_PATH)


@pytest.fixture(scope="session")
def data(written: BulletinFiles) -> dict[str, Any]:
    """bulletin.json as other tools read it: the reference every document is checked against."""
    return json.loads(written.json_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def markdown(written: BulletinFiles) -> str:
    return written.markdown_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def settings():
    return load_settings(SETTINGS_PATH)


@pytest.fixture(scope="session")
def rules(documents_warehouse: Path) -> BulletinRules:
    with duckdb.connect(str(documents_warehouse), read_only=True) as con:
        return read_rules(con, MONTH)


@pytest.fixture(scope="session")
def model(data: dict[str, Any], settings, rules) -> Document:
    """The bulletin's blocks, composed again from bulletin.json (every document renders them)."""
    return compose_bulletin(data, settings, rules)


@pytest.fixture(scope="session")
def rendered_markdown(data: dict[str, Any], settings) -> str:
    """The Markdown rendered again from the JSON (same text: the JSON holds every figure)."""
    return render_markdown(data, settings)
