"""Run the real dbt project against a given DuckDB file (tests only)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


def dbt_build(warehouse: Path, month: str, select: str | None = None, command: str = "build") -> str:
    """`dbt <command>` for one month; raises AssertionError with dbt's output when it fails."""
    with tempfile.TemporaryDirectory(prefix="dbt-target-") as target:
        args = [
            str(DBT_EXECUTABLE),
            command,
            "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", target,
            "--log-path", target,
            "--vars", json.dumps({"month": month}),
        ]
        if select:
            # only tests whose every parent is selected: a partial build must not run a test
            # that also reads a model outside the selection
            args += ["--select", select, "--indirect-selection", "cautious"]
        env = {**os.environ, "HOTLINE_WAREHOUSE": str(warehouse)}
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=DBT_PROJECT_DIR)
    if result.returncode != 0:
        raise AssertionError(f"dbt {command} failed for {month}:\n{result.stdout}\n{result.stderr}")
    return result.stdout
