"""Generated months shared by the demo tests (each generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.contract import ORDERS, InputSpec
from pipelines.demo.generator import GenerationSummary, generate_month

MONTH = "2021-02"


def read_csv_english(path: Path, spec: InputSpec, encoding: str = "utf-8") -> pd.DataFrame:
    """A generated CSV as text (empty cell -> None), columns renamed to the contract's English names."""
    frame = pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)
    chinese = {c.chinese: c.name for c in spec.columns if c.chinese}
    frame = frame.rename(columns=lambda name: chinese.get(name.lstrip("\ufeff"), name.lstrip("\ufeff")))
    return frame.replace("", None)


def read_orders(summary: GenerationSummary) -> pd.DataFrame:
    path = summary.paths["orders"]
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    frame = read_csv_english(path, ORDERS, encoding="gb18030")
    for column in ORDERS.columns:
        if column.type == "timestamp":
            frame[column.name] = pd.to_datetime(frame[column.name], format="%Y-%m-%d %H:%M:%S")
    return frame


@pytest.fixture(scope="session")
def small_month(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """February 2021 at scale 0.1 (about 7,000 orders)."""
    return generate_month(MONTH, tmp_path_factory.mktemp("small"), scale=0.1)


@pytest.fixture(scope="session")
def full_month(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    """February 2021 at scale 1, the size of the real month (about 71,000 orders)."""
    return generate_month(MONTH, tmp_path_factory.mktemp("full"), scale=1.0)


@pytest.fixture(scope="session")
def full_orders(full_month: GenerationSummary) -> pd.DataFrame:
    return read_orders(full_month)
