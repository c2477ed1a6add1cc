"""The Dagster UI and the bulletin web page, opened in headless Chromium.

The month: tests/pipeline's session run (`two_months`) when this folder can see that fixture (once
it lives in tests/conftest.py), else a small month run here (`hotline generate --scale 0.05`,
`hotline run`) into a temporary DAGSTER_HOME and warehouse while the webserver starts.
`dagster-webserver` serves that instance on a free loopback port; Chromium loads the global asset
lineage, the `bulletin` asset page and the bulletin's HTML at phone width; the test asserts on
each DOM (asset groups, the materialization's file links and figures, the bulletin's title and
sections) and that each screenshot is a real picture. The raw and model assets' row counts and
previews are read from the same webserver's GraphQL API.

Screenshots and the webserver's log are kept in `test-artifacts/browser/` (gitignored; another
folder with HOTLINE_TEST_ARTIFACTS). Chromium comes from `make setup` (Debian package
`chromium`): when it is missing the test fails, it does not skip.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from pipelines.bulletin.markdown import SECTION_HEADINGS
from pipelines.contract import INPUTS
from pipelines.instance import INSTANCE_YAML
from pipelines.settings import PROJECT_ROOT
from tests.support.webserver import free_port, graphql

pytestmark = pytest.mark.slow

MONTH = "2021-02"
SCALE = "0.05"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60
RUN_SECONDS = 150


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("HOTLINE_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def find_chromium() -> str:
    chosen = os.environ.get("HOTLINE_CHROMIUM")
    for name in (chosen, *CHROMIUM_NAMES):
        if name and (path := shutil.which(name)):
            return path
    pytest.fail("Chromium is not installed: run `make setup` (installs the Debian package chromium)")


@dataclass(frozen=True)
class Site:
    base: str
    root: Path
    output: Path


def wait_for_assets(base: str, process: subprocess.Popen, log: Path) -> None:
    """Until the webserver answers and the code location has loaded its assets."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster-webserver exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            nodes = graphql(base, "{ assetNodes { assetKey { path } } }")["data"]["assetNodes"]
            if nodes:
                return
        except (urllib.error.URLError, ConnectionError, KeyError, TypeError, ValueError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(
        f"dagster-webserver did not serve the assets in {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}"
    )


def stop(process: subprocess.Popen) -> None:
    """End the webserver and the code server it started (its own process group), by id."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def shared_run(request: pytest.FixtureRequest) -> Any | None:
    """tests/pipeline's session run of two months (`two_months`), when this folder can see it."""
    try:
        run = request.getfixturevalue("two_months")
    except pytest.FixtureLookupError:
        return None
    done = getattr(run, "outputs", {}).get(MONTH)
    return run if done is not None and done.returncode == 0 else None


def instance_yaml(storage: Path) -> str:
    """The instance of `make setup` (no first-visit newsletter dialog over the screenshots) over the
    runs in `storage`."""
    return (
        INSTANCE_YAML
        + f"storage:\n  sqlite:\n    base_dir: {json.dumps(str(storage))}\n"
    )


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser")
    home = root / "dagster_home"
    home.mkdir()
    shared = shared_run(request)
    data = shared.root if shared is not None else root
    (home / "dagster.yaml").write_text(instance_yaml(data / "dagster_home"), encoding="utf-8")
    env = {
        **os.environ,
        "HOTLINE_LANDING": str(data / "landing"),
        "HOTLINE_WAREHOUSE": str(data / "warehouse.duckdb"),
        "HOTLINE_OUTPUT": str(data / "output"),
        "DAGSTER_HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    port = free_port()
    log = artifacts_dir() / "webserver.log"
    with log.open("wb") as log_file:
        webserver = subprocess.Popen(
            [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        if shared is None:
            # no shared run visible: run a small month here, while the webserver starts
            generate = [str(BIN / "hotline"), "generate", "--month", MONTH, "--out", env["HOTLINE_LANDING"]]
            subprocess.run(
                [*generate, "--scale", SCALE], check=True, env=env, cwd=PROJECT_ROOT, capture_output=True,
                timeout=120,
            )  # fmt: skip
            run = subprocess.run(
                [str(BIN / "hotline"), "run", "--month", MONTH],
                env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=RUN_SECONDS,
            )  # fmt: skip
            assert run.returncode == 0, f"hotline run failed:\n{run.stdout[-2000:]}\n{run.stderr[-4000:]}"
        base = f"http://127.0.0.1:{port}"
        wait_for_assets(base, webserver, log)
        yield Site(base=base, root=root, output=data / "output" / MONTH)
    finally:
        stop(webserver)


def chromium(url: str, root: Path, screenshot: Path, size: tuple[int, int] = (1280, 900)) -> str:
    """Load `url` headless: save a screenshot and return the DOM after the page's scripts ran."""
    profile = root / f"chromium-profile-{time.monotonic_ns()}"
    args = [
        find_chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
        "--virtual-time-budget=10000",
        f"--screenshot={screenshot}",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=90)
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, f"chromium failed on {url}:\n{done.stderr[-3000:]}"
    assert_real_picture(screenshot, size)
    return done.stdout


def assert_real_picture(path: Path, size: tuple[int, int]) -> None:
    assert path.is_file(), f"no screenshot {path}"
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.size == size
    gray = np.asarray(image.convert("L"), dtype=float)
    colours = len(np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0))
    assert gray.std() > 8 and colours > 30, (
        f"{path.name} looks blank (std {gray.std():.1f}, {colours} colours)"
    )


def test_asset_lineage_renders(site: Site):
    dom = chromium(f"{site.base}/asset-groups", site.root, artifacts_dir() / "asset-lineage.png")
    assert "Global asset lineage" in dom
    for group in ("ingest", "staging", "marts", "bulletin"):
        assert f">{group}<" in dom, f"asset group {group} not on the lineage page"


def test_bulletin_asset_page_links_the_documents_and_figures(site: Site):
    dom = chromium(f"{site.base}/assets/bulletin", site.root, artifacts_dir() / "bulletin-asset.png")
    # the latest materialization's metadata (not the description): file links and headline figures;
    # with two months run at once the latest may be either month
    found = re.search(rf"{re.escape(str(site.output.parent))}/(\d{{4}}-\d{{2}})/bulletin\.docx", dom)
    assert found, "no link to bulletin.docx on the bulletin asset page"
    folder = site.output.parent / found.group(1)
    assert f"{folder}/bulletin.xlsx" in dom and f"{folder}/bulletin.html" in dom
    assert "charts/scores_by_group.png" in dom
    data = json.loads((folder / "bulletin.json").read_text(encoding="utf-8"))
    assert "total_requests" in dom and str(data["intake"]["total"]) in dom


LATEST_METADATA = """
{ assetNodes(assetKeys: [KEYS]) { assetKey { path } EVENTS(partitions: [MONTHS], limit: 1) {
    partition metadataEntries { label
        ... on MarkdownMetadataEntry { mdStr } ... on IntMetadataEntry { intValue } }
} } }
"""


def latest_metadata(
    site: Site, keys: list[list[str]], events: str = "assetMaterializations"
) -> dict[str, dict[str, object]]:
    """asset key → label → value of its latest materialization (or, with `events=
    "assetObservations"`, observation), as the UI gets them (GraphQL)."""
    wanted = ", ".join(f"{{path: {json.dumps(k)}}}" for k in keys)
    query = LATEST_METADATA.replace("KEYS", wanted).replace("MONTHS", json.dumps(MONTH))
    nodes = graphql(site.base, query.replace("EVENTS", events))["data"]["assetNodes"]
    found = {}
    for node in nodes:
        (event,) = node[events]
        assert event["partition"] == MONTH
        found["/".join(node["assetKey"]["path"])] = {
            e["label"]: e.get("mdStr", e.get("intValue")) for e in event["metadataEntries"]
        }
    return found


def test_raw_and_model_assets_carry_row_counts_and_previews(site: Site):
    raw = [["raw", spec.name] for spec in INPUTS]
    models = [["marts", "fct_intake"], ["marts", "fct_unit_scores"], ["staging", "stg_orders"]]
    metadata = latest_metadata(site, raw)
    assert set(metadata) == {"/".join(k) for k in raw}
    # a dbt model's row count and preview follow its materialization as an observation
    # (read after dbt exits, inside the warehouse lock: pipelines/models/assets.py)
    metadata |= latest_metadata(site, models, events="assetObservations")
    assert set(metadata) == {"/".join(k) for k in raw + models}
    for key in raw:
        entries = metadata["/".join(key)]
        assert isinstance(entries["dagster/row_count"], int) and isinstance(entries["rows_in_warehouse"], int)
        assert isinstance(entries["preview"], str)
    orders = metadata["raw/orders"]
    assert orders["rows_in_warehouse"] > 0 and orders["preview"].count("\n") == 6
    header = orders["preview"].splitlines()[0]
    assert "order_id" in header and "caller_phone" not in header and "content" not in header
    for key in models:
        entries = metadata["/".join(key)]
        assert entries["dagster/row_count"] > 0 and entries["preview"].startswith("| "), key


def test_bulletin_web_page_renders_on_a_phone(site: Site):
    page = site.output / "bulletin.html"
    data = json.loads((site.output / "bulletin.json").read_text(encoding="utf-8"))
    dom = chromium(page.as_uri(), site.root, artifacts_dir() / "bulletin-phone.png", size=(390, 1400))
    assert "绩效考评情况通报" in dom
    for heading in SECTION_HEADINGS:
        assert heading in dom
    assert f"{data['intake']['total']}件" in dom
    # every chart of the month (scores by group, rates, channels, province, year to date) inline
    charts = sorted((site.output / "charts").glob("*.png"))
    assert len(charts) >= 4
    assert dom.count("data:image/png;base64,") == len(charts)


def test_without_chromium_the_test_fails_naming_make_setup(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(pytest.fail.Exception, match="make setup"):
        find_chromium()
