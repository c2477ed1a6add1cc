"""A real pipeline over two generated months, shared by the end-to-end and browser tests.

The two months are run *at the same time* by two `hotline run` processes on one warehouse: that is
the concurrency test (DuckDB allows one writer; the runs must wait for each other, not fail).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.demo.generator import generate_month

MONTHS = ("2021-01", "2021-02")
DEMO_SCALE = 0.1
HOTLINE = Path(sys.executable).parent / "hotline"


@dataclass(frozen=True)
class PipelineRun:
    root: Path
    env: dict[str, str]
    outputs: dict[str, subprocess.CompletedProcess]

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"


def pipeline_env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOTLINE_LANDING": str(root / "landing"),
        "HOTLINE_WAREHOUSE": str(root / "warehouse.duckdb"),
        "HOTLINE_OUTPUT": str(root / "output"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }


@pytest.fixture(scope="session")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    root = tmp_path_factory.mktemp("pipeline")
    for month in MONTHS:
        generate_month(month, root / "landing", scale=DEMO_SCALE)
    env = pipeline_env(root)
    processes = {
        month: subprocess.Popen(
            [str(HOTLINE), "run", "--month", month],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for month in MONTHS
    }
    outputs = {}
    for month, process in processes.items():
        out, _ = process.communicate(timeout=900)
        outputs[month] = subprocess.CompletedProcess(process.args, process.returncode, out, "")
    return PipelineRun(root=root, env=env, outputs=outputs)
