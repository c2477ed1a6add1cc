"""A whole month (in-process, through Dagster) whose every file carries a fault a platform's export has
and that must be read right (issue 8, points 3 and 4, and the public bug reports of the corpus):

units.xls (real BIFF, merged title row), orders.xls (an HTML table saved as .xls, GBK, title and
export-info rows, a totals row), inspections.xls (BIFF, title rows), test_calls.xlsx (merged title,
full-width headers, a totals row), knowledge_tasks.csv (BOM, CRLF, a title line), county_records.csv
(trailing empty columns), interface_probes.csv (ids with a '\\t' suffix).

Expected: every table holds exactly what the clean files of the same generated month load to
(loaded independently into a scratch database), so every figure is the clean month's; the
metadata says which rows were skipped above each header.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.contract import INPUTS
from pipelines.demo.generator import generate_month
from pipelines.ingest import find_input_file, load_month_input
from pipelines.runner import run_month
from pipelines.settings import Settings
from tests.exports.faults import (
    MONTH,
    SCALE,
    TITLE,
    environment,
    read_csv,
    to_biff_xls,
    to_html_xls,
    to_xlsx_with_title,
    write_csv,
)

pytestmark = pytest.mark.slow
SALT = "test-salt"


def _make_faulty(landing: Path) -> None:
    folder = landing / MONTH
    to_biff_xls(landing / "units.csv", "成员单位")
    to_html_xls(folder / "orders.csv", "工单")
    to_biff_xls(folder / "inspections.csv", "工单抽检")
    to_xlsx_with_title(folder / "test_calls.csv", "实例拨测", full_width=True)
    encoding, header, rows = read_csv(folder / "knowledge_tasks.csv")
    title = TITLE.format(title="知识储备") + "\r\n"
    write_csv(folder / "knowledge_tasks.csv", header, rows, "utf-8-sig", lineterminator="\r\n")
    data = (folder / "knowledge_tasks.csv").read_bytes()
    (folder / "knowledge_tasks.csv").write_bytes(data[:3] + title.encode() + data[3:])
    encoding, header, rows = read_csv(folder / "county_records.csv")
    write_csv(folder / "county_records.csv", [*header, "", ""], [[*r, "", ""] for r in rows], encoding)
    encoding, header, rows = read_csv(folder / "interface_probes.csv")
    write_csv(folder / "interface_probes.csv", header, [[r[0] + "\t", *r[1:]] for r in rows], encoding)


def _table(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    columns = [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
        "and column_name not in ('source_file', 'source_row', 'loaded_at') order by ordinal_position",
        [name],
    ).fetchall()]
    rows = con.execute(f"select {', '.join(columns)} from raw.{name} where month = ?", [MONTH]).fetchall()
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def faulty_month(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("real_formats")
    clean = root / "clean"
    generate_month(MONTH, clean, scale=SCALE)
    shutil.copytree(clean, root / "landing")
    _make_faulty(root / "landing")
    reference = duckdb.connect(str(root / "reference.duckdb"))
    for spec in INPUTS:
        load_month_input(reference, spec, find_input_file(clean, MONTH, spec), MONTH, SALT)
    with environment(root), pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOTLINE_PHONE_SALT", SALT)
        outcome = run_month(Settings.from_env(), MONTH, log_level="WARNING")
        with dg.DagsterInstance.get() as instance:
            metadata = {
                spec.name: instance.get_latest_materialization_event(
                    dg.AssetKey(["raw", spec.name])
                ).asset_materialization.metadata
                for spec in INPUTS
            }
    return root, outcome, reference, metadata


def test_the_month_publishes_without_a_quarantined_row(faulty_month):
    root, outcome, _, _ = faulty_month
    assert outcome.success, outcome.failures
    bulletin = json.loads((root / "output" / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert set(bulletin["quarantined_rows"].values()) == {0}


@pytest.mark.parametrize("spec", INPUTS, ids=lambda s: s.name)
def test_every_table_holds_what_the_clean_export_loads_to(faulty_month, spec):
    root, _, reference, _ = faulty_month
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        loaded = _table(con, spec.name)
    finally:
        con.close()
    expected = _table(reference, spec.name)
    assert len(loaded) == len(expected) > 0
    assert loaded == expected


def test_the_bulletin_counts_every_order(faulty_month):
    root, _, reference, _ = faulty_month
    orders = reference.execute("select count(*) from raw.orders").fetchone()[0]
    bulletin = json.loads((root / "output" / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert bulletin["intake"]["total"] == orders


@pytest.mark.parametrize(
    ("name", "header_row", "skipped", "note"),
    [
        ("units", 3, 2, None),
        ("orders", 3, 2, "skipped the totals row"),
        ("inspections", 3, 2, None),
        ("test_calls", 2, 1, "skipped the totals row"),
        ("knowledge_tasks", 2, 1, None),
        ("county_records", 1, 0, None),
    ],
)
def test_metadata_says_which_rows_were_skipped(faulty_month, name, header_row, skipped, note):
    metadata = faulty_month[3][name]
    assert metadata["header_row"].value == header_row
    shown = metadata["skipped_rows"].value
    assert (shown == "(none)") == (skipped == 0)
    if skipped:
        assert shown.count("row ") + shown.count("line ") == skipped
        assert "明细表（2021年2月）" in shown
    if note:
        assert note in metadata["reader_notes"].value
    assert metadata["format"].value == {"orders": "xls (html)", "units": "xls", "inspections": "xls"}.get(
        name, metadata["format"].value
    )


def test_the_html_export_is_read_as_gbk(faulty_month):
    root = faulty_month[0]
    page = (root / "landing" / MONTH / "orders.xls").read_bytes()
    assert b"charset=gb2312" in page and "工单编号".encode("gbk") in page
    with open(root / "clean" / MONTH / "orders.csv", encoding="gb18030") as handle:
        assert sum(1 for _ in csv.reader(handle)) - 1 == faulty_month[3]["orders"]["rows_read"].value
