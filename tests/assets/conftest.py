"""Layer 2 of the tests: assets and asset checks called directly, as functions.

Each asset or check is invoked with `dg.build_asset_context` / `dg.build_op_context` (the monthly
partition key) and real resources: a real DuckDB file under tmp_path, real landing files written by
hand below, the shipped rulebook and bulletin settings. No Dagster run, no dbt: what reaches the
asset is exactly what a run would hand it, and the expected values are counted by hand from the
files here (tests/README.md describes the three layers).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.ingest.assets import raw_assets, rulebook, working_calendar
from pipelines.resources import HotlineFiles, InstanceHome, WarehouseResource
from pipelines.settings import CONFIG_DIR

MONTH = "2021-02"
SALT = "asset-layer-salt"
PHONE = "13812345678"

#: the member units, with the Chinese headers of a platform export: 3 rows, every one valid
UNITS_CSV = """单位编码,单位名称,考评组
C01,市公安局,市级部门及单位
LYG01,东海县,县区
X01,市民卡公司,不参与考评
"""

#: the month's orders: A1 dispatched (with the caller's phone in the content), A2 handled directly,
#: A3 a province order still open, A4 dispatched to a unit that is not in units.csv
#: → 4 rows read, 3 accepted, 1 quarantined (rule unit_code.exists_in_units): share 1/4 = 0.25
ORDERS_CSV = f"""order_id,received_at,channel,category,handling,dispatch_level,supervision,unit_code,\
dispatched_at,sign_deadline,signed_at,due_at,completed_at,visit_result,caller_phone,content
A1,2021-02-03 09:00:00,电话,投诉,交办,市派,0,C01,2021-02-03 10:00:00,,2021-02-03 11:00:00,,\
2021-02-08 16:00:00,满意,{PHONE},路灯不亮，联系电话{PHONE}
A2,2021-02-04 09:00:00,微信,咨询,直接办理,,0,,,,,,,,,
A3,2021-02-05 09:00:00,省12345平台交办,求助,交办,省派,1,LYG01,2021-02-05 10:00:00,,2021-02-05 11:00:00,,,,,
A4,2021-02-06 09:00:00,电话,投诉,交办,市派,0,NOPE,2021-02-06 10:00:00,,,,,,,
"""


def write_landing(landing: Path) -> Path:
    (landing / MONTH).mkdir(parents=True)
    (landing / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    (landing / MONTH / "orders.csv").write_text(ORDERS_CSV, encoding="utf-8")
    return landing


def hotline_files(root: Path) -> HotlineFiles:
    return HotlineFiles(
        landing_dir=str(root / "landing"),
        output_dir=str(root / "output"),
        rulebook_path=str(CONFIG_DIR / "rulebook.yaml"),
        bulletin_config_path=str(CONFIG_DIR / "bulletin.yaml"),
    )


@pytest.fixture(scope="session")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("asset-layer")
    write_landing(root / "landing")
    return root


@pytest.fixture(scope="session")
def files(root: Path) -> HotlineFiles:
    return hotline_files(root)


@pytest.fixture(scope="session")
def warehouse(root: Path) -> WarehouseResource:
    return WarehouseResource(database=str(root / "warehouse.duckdb"))


def instance_home(files: HotlineFiles, warehouse: WarehouseResource) -> InstanceHome:
    """DAGSTER_HOME beside the landing folder; the phone salt SALT, as HOTLINE_PHONE_SALT would give."""
    return InstanceHome(
        dagster_home=str(files.landing.parent / "dagster_home"),
        phone_salt=SALT,
        files=files,
        warehouse=warehouse,
    )


@pytest.fixture(scope="session")
def home(files: HotlineFiles, warehouse: WarehouseResource) -> InstanceHome:
    return instance_home(files, warehouse)


def load_month(files: HotlineFiles, warehouse: WarehouseResource) -> dict[str, dg.MaterializeResult]:
    """Every ingest asset of the month called directly: the raw inputs, the rulebook, the calendar.

    Returns the materialization of each asset key (`raw/orders` …), as a run would record it. The
    raw assets take the phone salt from the `home` resource (instance_home: SALT).
    """
    results: dict[str, dg.MaterializeResult] = {}
    home = instance_home(files, warehouse)
    for raw_asset in raw_assets:
        context = dg.build_asset_context(partition_key=MONTH)
        result = raw_asset(context, files=files, warehouse=warehouse, home=home)
        results[raw_asset.key.to_user_string()] = result
    for result in rulebook(dg.build_asset_context(partition_key=MONTH), files=files, warehouse=warehouse):
        results[result.asset_key.to_user_string()] = result
    results["raw/working_calendar"] = working_calendar(warehouse=warehouse)
    return results


@pytest.fixture(scope="session")
def loaded(files: HotlineFiles, warehouse: WarehouseResource) -> dict[str, dg.MaterializeResult]:
    """The hand-written month loaded once for tests/assets (the validation tests read it too)."""
    return load_month(files, warehouse)


def query(warehouse: WarehouseResource, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(warehouse.database, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
