"""`dagster dev`'s webserver loads the code location from workspace.yaml on a loopback port."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pipelines.contract import INPUTS
from pipelines.instance import ensure_dagster_home
from pipelines.settings import PROJECT_ROOT
from tests.support.pipeline_run import pipeline_env

WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
ASSET_QUERY = "{ assetNodes { assetKey { path } groupName } }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


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
            nodes = (graphql(port, ASSET_QUERY).get("data") or {}).get("assetNodes") or []
            if not nodes:
                time.sleep(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    groups = {"/".join(node["assetKey"]["path"]): node["groupName"] for node in nodes}
    for spec in INPUTS:
        assert groups[f"raw/{spec.name}"] == "ingest"
    assert groups["staging/stg_orders"] == "models"
    assert groups["marts/fct_unit_scores"] == "models"
    assert groups["bulletin"] == "bulletin"
