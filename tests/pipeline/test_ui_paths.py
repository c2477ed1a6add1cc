"""The UI uses the folders of the environment it was started with, like `hotline run`.

`dagster dev` (webserver + daemon, as `make dev`) starts with HOTLINE_LANDING, HOTLINE_WAREHOUSE,
HOTLINE_OUTPUT and DAGSTER_HOME pointing at temporary folders; a partitioned run of the monthly job
launched through its GraphQL API must read the landing folder, write the warehouse, the bulletin,
the dbt artifacts and the phone salt there, and nothing in the project's default `data/` folders
(pipelines/resources.py: every path reaches the assets as a `dg.EnvVar` resource).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.demo.generator import generate_month
from pipelines.instance import ensure_dagster_home
from pipelines.settings import CONFIG_DIR, DEFAULT_DATA_DIR, PROJECT_ROOT
from tests.support.webserver import free_port, graphql

# slow: `dagster dev` and one whole (tiny) month through the daemon's run worker
pytestmark = pytest.mark.slow

DAGSTER = Path(sys.executable).parent / "dagster"
MONTH = "2021-01"
LAUNCH = """
mutation ($month: String!) {
  launchRun(executionParams: {
    selector: {repositoryLocationName: "hotline_bulletin", repositoryName: "__repository__",
               jobName: "monthly_bulletin"}
    executionMetadata: {tags: [{key: "dagster/partition", value: $month}]}
  }) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RESOURCES = """
{ allTopLevelResourceDetailsOrError(repositorySelector: {repositoryLocationName: "hotline_bulletin",
                                                         repositoryName: "__repository__"}) {
    ... on ResourceDetailsList { results { name configuredValues { key value type } } } } }
"""
STATUS = '{ runOrError(runId: "%s") { ... on Run { status tags { key value } } } }'
DONE = {"SUCCESS", "FAILURE", "CANCELED"}


def graphql_vars(base: str, query: str, variables: dict) -> dict:
    import urllib.request

    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def _until(what: str, seconds: float, probe):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(2)
    raise AssertionError(f"{what}: not within {seconds:g} s")


def _default_folders_state() -> dict[str, float | None]:
    """mtimes of what a run would write in the project's default folders (None: absent)."""
    paths = [DEFAULT_DATA_DIR / "warehouse.duckdb", DEFAULT_DATA_DIR / "output" / MONTH]
    return {str(path): path.stat().st_mtime if path.exists() else None for path in paths}


@pytest.fixture(scope="module")
def ui_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ui_paths")
    generate_month(MONTH, root / "landing", scale=0.02)
    home = ensure_dagster_home(root / "dagster_home")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOTLINE_", "DAGSTER_"))
    }
    env.update(
        HOTLINE_LANDING=str(root / "landing"),
        HOTLINE_WAREHOUSE=str(root / "warehouse.duckdb"),
        HOTLINE_OUTPUT=str(root / "output"),
        DAGSTER_HOME=str(home),
    )
    before = _default_folders_state()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (root / "dagster_dev.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def launched() -> str | None:
            if process.poll() is not None:
                raise AssertionError((root / "dagster_dev.log").read_text(encoding="utf-8")[-3000:])
            try:
                answer = graphql_vars(base, LAUNCH, {"month": MONTH})
            except OSError:
                return None  # not up yet
            result = (answer.get("data") or {}).get("launchRun") or {}
            if result.get("__typename") == "LaunchRunSuccess":
                return result["run"]["runId"]
            if "not found" in json.dumps(answer).lower() or not result:
                return None  # the code location is still loading
            raise AssertionError(f"the launch failed: {answer}")

        run_id = _until("the UI accepting the run", 240, launched)

        def finished() -> dict | None:
            run = graphql(base, STATUS % run_id)["data"]["runOrError"]
            return run if run.get("status") in DONE else None

        run = _until("the run finishing", 900, finished)
        details = graphql(base, RESOURCES)["data"]["allTopLevelResourceDetailsOrError"]["results"]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        log.close()
    shown = {
        (resource["name"], value["key"]): (value["type"], value["value"])
        for resource in details
        for value in resource["configuredValues"]
    }
    return root, run, before, shown


def test_a_run_from_the_ui_uses_the_folders_of_its_environment(ui_run):
    root, run, before, _ = ui_run
    assert run["status"] == "SUCCESS", (root / "dagster_dev.log").read_text(encoding="utf-8")[-5000:]
    tags = {tag["key"]: tag["value"] for tag in run["tags"]}
    assert tags["dagster/partition"] == MONTH
    # the bulletin in HOTLINE_OUTPUT
    bulletin = json.loads((root / "output" / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert bulletin["month"] == MONTH
    # the month loaded from HOTLINE_LANDING into HOTLINE_WAREHOUSE, and scored there
    with (root / "landing" / MONTH / "orders.csv").open(encoding="gb18030", newline="") as export:
        landing_rows = sum(1 for _ in csv.reader(export)) - 1
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        raw = con.execute("select count(*) from raw.orders where month = ?", [MONTH]).fetchone()[0]
        scored = con.execute(
            "select count(*) from marts.fct_unit_scores where month = ?", [MONTH]
        ).fetchone()[0]
    finally:
        con.close()
    assert raw == landing_rows == bulletin["intake"]["total"] > 0
    assert scored > 0
    # DAGSTER_HOME: dbt's artifacts of this run and the random phone salt are kept there
    assert list((root / "dagster_home" / "dbt_artifacts").glob(f"dbt_models-*-{MONTH}"))
    assert (root / "dagster_home" / "phone_salt").read_text(encoding="ascii").strip()
    # nothing written to the project's default folders
    assert _default_folders_state() == before


def test_the_ui_shows_which_variable_each_path_comes_from(ui_run):
    """Deployment → Resources: a set variable is shown by its name (read in the run's process), an
    unset one as its default path."""
    _, _, _, shown = ui_run
    assert shown[("warehouse", "database")] == ("ENV_VAR", "HOTLINE_WAREHOUSE")
    assert shown[("files", "landing_dir")] == ("ENV_VAR", "HOTLINE_LANDING")
    assert shown[("files", "output_dir")] == ("ENV_VAR", "HOTLINE_OUTPUT")
    assert shown[("home", "dagster_home")] == ("ENV_VAR", "DAGSTER_HOME")
    # HOTLINE_RULEBOOK is not set: the default file (Dagster shows a value as JSON)
    assert shown[("files", "rulebook_path")] == ("VALUE", json.dumps(str(CONFIG_DIR / "rulebook.yaml")))
