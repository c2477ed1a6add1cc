"""Spark tests run only under `make test-spark` (HOTLINE_TEST_SPARK=1): a JVM, minutes per month."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HOTLINE_TEST_SPARK") == "1":
        return
    skip = pytest.mark.skip(reason="Spark: `make test-spark` (pip install -e .[spark], Java 17)")
    for item in items:
        if "tests/spark/" in str(item.fspath):
            item.add_marker(skip)
