"""`dagster dev`'s webserver loads the code location from workspace.yaml on a loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.contract import INPUTS
from pipelines.instance import ensure_dagster_home
from pipelines.settings import PROJECT_ROOT
from pipelines.validation.checks import CONTRACT_CHECK, RECONCILIATION_CHECK
from tests.support.pipeline_run import pipeline_env
from tests.support.webserver import free_port, graphql

# slow: starts the Dagster webserver on the run months (make test-fast leaves it out)
pytestmark = pytest.mark.slow

WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
ASSET_QUERY = (
    "{ assetNodes { assetKey { path } groupName"
    " assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }"
)


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the webserver exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the webserver did not answer in time")


def test_the_asset_graph_has_one_asset_per_input_and_the_whole_lineage(tmp_path: Path):
    ensure_dagster_home(tmp_path / "dagster_home")
    port = free_port()
    process = subprocess.Popen(
        [str(WEBSERVER), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=pipeline_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(port, process)
        deadline = time.monotonic() + 120
        nodes: list = []
        while time.monotonic() < deadline and not nodes:
            answer = graphql(f"http://127.0.0.1:{port}", ASSET_QUERY)
            nodes = (answer.get("data") or {}).get("assetNodes") or []
            if not nodes:
                time.sleep(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    groups = {"/".join(node["assetKey"]["path"]): node["groupName"] for node in nodes}
    checks = {
        "/".join(node["assetKey"]["path"]): {
            check["name"]: check["blocking"] for check in node["assetChecksOrError"].get("checks", [])
        }
        for node in nodes
    }
    for spec in INPUTS:
        assert groups[f"raw/{spec.name}"] == "ingest"
        assert CONTRACT_CHECK in checks[f"raw/{spec.name}"], spec.name
    assert groups["raw/quarantine"] == "validation"
    assert checks["raw/quarantine"][RECONCILIATION_CHECK] is True
    assert groups["staging/stg_orders"] == "staging"
    assert groups["marts/fct_unit_scores"] == "marts"
    assert groups["bulletin"] == "bulletin"
