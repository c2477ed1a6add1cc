"""The bulletin and unit_report_cards assets called directly on the hand-made marts.

The marts are tests/bulletin/marts_fixture.py's month (columns from the dbt manifest); the figures
below are counted by hand from that fixture (tests/bulletin/test_bulletin.py has the same ones).
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from pipelines.bulletin.assets import bulletin, unit_report_cards
from pipelines.resources import EngineResource, HotlineFiles
from tests.assets.conftest import hotline_files
from tests.bulletin.marts_fixture import MONTH, build_warehouse

#: ranked units of the fixture month: 2 counties, 2 districts, 7 departments
RANKED = {"LYG0101", "LYG0102", "LYG0201", "LYG0202"} | {f"LYG030{n}" for n in (1, 2, 3, 4, 5, 8, 9)}


@pytest.fixture(scope="module")
def marts_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bulletin-assets")
    build_warehouse(root / "warehouse.duckdb")
    return root


@pytest.fixture(scope="module")
def output_files(marts_root: Path) -> HotlineFiles:
    return hotline_files(marts_root)


@pytest.fixture(scope="module")
def engine(marts_root: Path) -> EngineResource:
    """The DuckDB engine: the bulletin reads the marts from the warehouse file itself."""
    return EngineResource(
        engine="duckdb",
        dbt_target="duckdb",
        lake_dir=str(marts_root / "lake"),
        warehouse_path=str(marts_root / "warehouse.duckdb"),
    )


@pytest.fixture(scope="module")
def bulletin_result(output_files: HotlineFiles, engine: EngineResource) -> dg.MaterializeResult:
    context = dg.build_asset_context(partition_key=MONTH, instance=dg.DagsterInstance.ephemeral())
    return bulletin(context, files=output_files, engine=engine)


def test_the_bulletin_asset_writes_every_file_of_the_month(bulletin_result, output_files: HotlineFiles):
    folder = output_files.output / MONTH
    for name in ("bulletin.json", "bulletin.md", "bulletin.docx", "bulletin.xlsx", "bulletin.html"):
        assert (folder / name).stat().st_size > 0, name
        assert bulletin_result.metadata[name].value == str(folder / name)
    assert bulletin_result.metadata["folder"].value == str(folder)
    assert any(key.startswith("charts/") for key in bulletin_result.metadata)


def test_the_bulletin_assets_headline_figures(bulletin_result, output_files: HotlineFiles):
    metadata = bulletin_result.metadata
    # fct_intake of the fixture month: 950 received + 50 carried over; 600 direct, 400 dispatched
    assert (metadata["total_requests"], metadata["received_this_month"], metadata["carried_over"]) == (
        1000,
        950,
        50,
    )
    assert (metadata["direct"], metadata["dispatched"]) == (600, 400)
    assert metadata["ranked_units"] == len(RANKED) == 11
    # the first of each group; 城建控股集团's DOUBLE 99.205 is published as 99.21
    assert metadata["first/县区"] == "灌云县 138.22"
    assert metadata["first/区及功能板块"] == "连云区 95.21"
    assert metadata["first/市级部门及单位"] == "城建控股集团 99.21"
    # raw.quarantine of the fixture: orders rows 3 and 9 and test_calls row 2 in 2021-02
    assert metadata["quarantined_rows"] == 3
    # no check ran in this (absent) run: the counts the UI plots are zero
    assert (metadata["checks_passed"], metadata["checks_failed"]) == (0, 0)
    published = json.loads((output_files.output / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert published["intake"]["total"] == 1000 and published["month"] == MONTH
    assert metadata["preview"].value.startswith("2021年第")


def test_the_report_cards_asset_writes_a_card_per_ranked_unit(
    bulletin_result, output_files: HotlineFiles, engine: EngineResource
):
    context = dg.build_asset_context(partition_key=MONTH)
    result = unit_report_cards(context, files=output_files, engine=engine)
    folder = output_files.output / MONTH / "units"
    assert result.metadata["cards"] == 11
    assert result.metadata["index"].value == str(folder / "index.html")
    assert {p.stem for p in folder.glob("*.html")} == RANKED | {"index"}
    assert {p.stem for p in folder.glob("*.docx")} == RANKED
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f"{code}.html" in index for code in RANKED)
