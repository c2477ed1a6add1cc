"""A real pipeline over two generated months, shared by the end-to-end and browser tests.

The two months are run *at the same time* by two `hotline run` processes on one warehouse: that is
the concurrency test (DuckDB allows one writer; the runs must wait for each other, not fail). They
are started in the wrong order: 2021-02 first, which must wait for 2021-01 (its province change reads
January's orders, pipelines/previous_month.py), and 2021-01 once February says it waits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.demo.generator import generate_month

MONTHS = ("2021-01", "2021-02")
DEMO_SCALE = 0.1
#: what `hotline run --month 2021-02` prints when it waits for January
WAITING_FOR_JANUARY = "2021-02 compares with 2021-01, not in the warehouse yet: waiting"
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
    lines: dict[str, list[str]] = {month: [] for month in MONTHS}
    february_waits = threading.Event()

    def start(month: str) -> tuple[subprocess.Popen, threading.Thread]:
        process = subprocess.Popen(
            [str(HOTLINE), "run", "--month", month],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def read() -> None:
            for line in process.stdout:
                lines[month].append(line)
                if WAITING_FOR_JANUARY in line:
                    february_waits.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return process, reader

    started = {"2021-02": start("2021-02")}
    # January starts once February waits for it (or after 120 s, when it does not wait: a failure)
    february_waits.wait(timeout=120)
    started["2021-01"] = start("2021-01")
    outputs = {}
    for month in MONTHS:
        process, reader = started[month]
        process.wait(timeout=900)
        reader.join(timeout=60)
        output = "".join(lines[month])
        outputs[month] = subprocess.CompletedProcess(process.args, process.returncode, output, "")
    return PipelineRun(root=root, env=env, outputs=outputs)
