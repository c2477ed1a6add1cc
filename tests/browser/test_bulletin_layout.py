"""The bulletin's web page as a reader sees it: headless Chromium at 1280 px and at 390 px (a phone).

The page of the tests/bulletin fixture month (its units include 中石化连云港石油分公司, the
longest name) is written, then shown in an iframe of the reader's width (headless Chromium lays a
window out at least 500 px wide, an iframe has its own viewport and media queries) in a harness
page whose script records (`--dump-dom`), for every table box shown, its width and the width of
its table, whether a cell's text wraps, and the page's own width. At 1280 px every table fits its
box (the county data-quality table is not cut) and the two-units-a-row ranking tables are shown;
at 390 px the page does not scroll sideways, the ranking tables are one unit a row in rank order
and fit the screen. Screenshots of both go to `test-artifacts/browser/` and must be real pictures.
Chromium comes from `make setup`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from pipelines.bulletin.writer import BulletinFiles, write_bulletin
from tests.browser.test_browser import artifacts_dir, assert_real_picture, find_chromium
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH, build_warehouse

pytestmark = pytest.mark.slow

LONG_NAME = "中石化连云港石油分公司"

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="page" src="PAGE" style="border:0;display:block;width:WIDTHpx;height:1600px"></iframe>
SCRIPT</body></html>
"""

MEASURE = """
<script>
window.addEventListener('load', () => {
const frame = document.getElementById('page');
const document_ = frame.contentDocument;
const getComputedStyle_ = (e) => frame.contentWindow.getComputedStyle(e);
const boxes = [...document_.querySelectorAll('.table-wrap')].map((box) => {
  const table = box.querySelector('table');
  const style = getComputedStyle_(box);
  const lines = [...table.querySelectorAll('td')].map((td) => {
    const range = document_.createRange();
    range.selectNodeContents(td);
    return {text: td.textContent, rects: range.getClientRects().length};
  });
  return {kind: table.dataset.kind, shown: style.display !== 'none', box: box.clientWidth,
          table: table.scrollWidth, rows: [...table.querySelectorAll('tbody tr')].map(
            (tr) => [...tr.children].map((td) => td.textContent)), cells: lines};
});
const out = document.createElement('pre');
out.id = 'measure';
out.textContent = JSON.stringify({page: document_.documentElement.scrollWidth,
                                  viewport: frame.contentWindow.innerWidth, boxes});
document.body.appendChild(out);
});
</script>
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> BulletinFiles:
    root = tmp_path_factory.mktemp("layout")
    warehouse = build_warehouse(root / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        # the longest member-unit name of the published bulletins, in a ranking table
        con.execute(
            "update marts.fct_unit_scores set unit_name = ? where unit_code = 'LYG0309'", [LONG_NAME]
        )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return write_bulletin(con, MONTH, root / "out", SETTINGS_PATH)


def load(page: Path, width: int, screenshot: Path) -> dict:
    """The page at `width` px: a screenshot (cropped to the width) and the measurements."""
    harness = HARNESS.replace("PAGE", page.name).replace("WIDTH", str(width))
    shown_page = page.with_name(f"shown-{width}.html")
    shown_page.write_text(harness.replace("SCRIPT", ""), encoding="utf-8")
    measured = page.with_name(f"measured-{width}.html")
    measured.write_text(harness.replace("SCRIPT", MEASURE), encoding="utf-8")
    window = max(width, 500)
    results = {}
    for target, extra in ((shown_page, [f"--screenshot={screenshot}"]), (measured, ["--dump-dom"])):
        profile = page.parent / f"chromium-profile-{time.monotonic_ns()}"
        args = [
            find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--hide-scrollbars", "--allow-file-access-from-files",
            f"--user-data-dir={profile}", f"--window-size={window},1600", "--virtual-time-budget=5000",
            *extra, target.as_uri(),
        ]  # fmt: skip
        done = subprocess.run(args, capture_output=True, text=True, timeout=90)
        shutil.rmtree(profile, ignore_errors=True)
        assert done.returncode == 0, done.stderr[-2000:]
        results[target] = done.stdout
    Image.open(screenshot).crop((0, 0, width, 1600)).save(screenshot)
    assert_real_picture(screenshot, (width, 1600))
    found = re.search(r'<pre id="measure">(.*?)</pre>', results[measured], re.S)
    assert found, "the measuring script did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture(scope="module")
def desktop(written: BulletinFiles) -> dict:
    return load(written.html_path, 1280, artifacts_dir() / "bulletin-1280.png")


@pytest.fixture(scope="module")
def phone(written: BulletinFiles) -> dict:
    return load(written.html_path, 390, artifacts_dir() / "bulletin-390.png")


def shown(measure: dict, kind: str) -> list[dict]:
    return [b for b in measure["boxes"] if b["shown"] and b["kind"] == kind]


def test_at_1280_every_table_fits_and_rankings_are_two_units_a_row(desktop, written):
    assert desktop["page"] <= desktop["viewport"]
    for box in (b for b in desktop["boxes"] if b["shown"]):
        assert box["table"] <= box["box"], f"{box['kind']} table cut: {box['table']} > {box['box']} px"
    (quality,) = shown(desktop, "data_quality")
    assert len(quality["rows"]) == len(written.bulletin["data_quality"])
    assert len(shown(desktop, "ranking")) == 3 and not shown(desktop, "ranking-list")
    assert all(len(row) == 8 for box in shown(desktop, "ranking") for row in box["rows"])


def test_at_390_the_page_fits_and_rankings_are_one_unit_a_row(phone, written):
    assert phone["viewport"] == 390 and phone["page"] <= 390, "the page scrolls sideways on a phone"
    assert not shown(phone, "ranking")
    lists = shown(phone, "ranking-list")
    groups = [g for g in written.bulletin["rankings"] if written.bulletin["rankings"][g]]
    assert len(lists) == len(groups)
    for box, group in zip(lists, groups, strict=True):
        assert box["table"] <= box["box"], f"ranking of {group} wider than the phone"
        ranking = written.bulletin["rankings"][group]
        assert [row[0] for row in box["rows"]] == [e["unit_name"] for e in ranking]  # rank order
        assert [row[3] for row in box["rows"]] == [str(e["rank"]) for e in ranking]


def test_names_and_numbers_stay_on_one_line(desktop, phone):
    for measure in (desktop, phone):
        for box in (b for b in measure["boxes"] if b["shown"]):
            wrapped = [c["text"] for c in box["cells"] if c["rects"] > 1]
            assert not wrapped, f"{box['kind']}: cells broken across lines: {wrapped}"
    names = [c["text"] for b in shown(phone, "ranking-list") for c in b["cells"]]
    assert LONG_NAME in names
