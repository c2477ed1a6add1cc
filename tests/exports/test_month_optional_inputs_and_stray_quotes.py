"""A whole month (through `hotline run`, in-process) with every optional input missing and an orders
export written without CSV quoting that holds two stray quotes (issue 8, points 1, 2 and 8).

Expected by hand (rules.md, Points; contract.md): a missing optional file is an empty table, so every
unit gets full points on the items it feeds — 答复规范 10, 首次回应率 10 (no inspection), 知识储备
12, 实例拨测 12; every county 数据完整 7, 内容完整 7, 数据及时 6 (no records), 接口稳定性 5 (no
probe), 扣分项 7 and 工单抽检 7 shown (nothing deducted), 一体化建设 0 (a county without an
assessment row gets integration_score 0), so 数据质量 25, and 县级平台办件 10 + 10. No order is
lost to the stray quotes: the orders stored are the file's physical data lines.
"""

from __future__ import annotations

import json
import re

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.contract import INPUTS
from pipelines.demo.generator import generate_month
from tests.exports.faults import MONTH, SCALE, data_lines, environment, with_stray_quotes

pytestmark = pytest.mark.slow

OPTIONAL = [spec.name for spec in INPUTS if not spec.required_file]


@pytest.fixture(scope="module")
def month_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("optional_missing")
    generate_month(MONTH, root / "landing", scale=SCALE)
    folder = root / "landing" / MONTH
    for name in OPTIONAL:
        for path in folder.glob(f"{name}.*"):
            path.unlink()
    orders = folder / "orders.csv"
    with_stray_quotes(orders, first=101, second=105, column="诉求内容")
    with environment(root):
        check = CliRunner().invoke(main, ["check", "--month", MONTH])
        result = CliRunner().invoke(main, ["run", "--month", MONTH])
    return root, result, check, data_lines(orders)


def test_the_month_publishes(month_run):
    root, result, _, _ = month_run
    assert result.exit_code == 0, result.output
    assert (root / "output" / MONTH / "bulletin.json").is_file()


@pytest.mark.parametrize("name", OPTIONAL)
def test_each_missing_optional_input_is_an_empty_table(month_run, name: str):
    root = month_run[0]
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        stored = con.execute(f"select count(*) from raw.{name} where month = ?", [MONTH]).fetchone()[0]
    finally:
        con.close()
    assert stored == 0
    bulletin = json.loads((root / "output" / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert bulletin["quarantined_rows"][name] == 0


#: (mart, column, expected value for every row): the items each optional input feeds
FULL_POINTS = {
    "inspections": [
        ("fct_unit_scores", "pts_reply_standard", 10),
        ("fct_unit_scores", "pts_first_response", 10),
        ("fct_county_data_quality", "inspection_item", 7),
    ],
    "test_calls": [("fct_unit_scores", "pts_test_calls", 12)],
    "knowledge_tasks": [("fct_unit_scores", "pts_knowledge", 12)],
    "county_records": [
        ("fct_county_data_quality", "data_completeness", 7),
        ("fct_county_data_quality", "content_completeness", 7),
        ("fct_county_data_quality", "timeliness", 6),
        ("fct_county_data_quality", "platform_on_time_points", 10),
        ("fct_county_data_quality", "platform_satisfaction_points", 10),
    ],
    "interface_probes": [("fct_county_data_quality", "interface_stability", 5)],
    "county_assessments": [
        ("fct_county_data_quality", "deduction_item", 7),
        ("fct_county_data_quality", "integration", 0),
    ],
    "appeals": [],  # no appeal: every deduction stands (the items above are already full)
}


@pytest.mark.parametrize("name", OPTIONAL)
def test_every_unit_gets_full_points_on_the_items_a_missing_input_feeds(month_run, name: str):
    root = month_run[0]
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        for mart, column, points in FULL_POINTS[name]:
            values = con.execute(
                f"select distinct {column}, count(*) over () from marts.{mart} where month = ?", [MONTH]
            ).fetchall()
            assert len(values) == 1 and float(values[0][0]) == points, (mart, column, values)
            assert values[0][1] >= 4  # every unit (or county) has the value, not an empty table
        totals = con.execute(
            "select distinct total, county_platform from marts.fct_county_data_quality where month = ?",
            [MONTH],
        ).fetchall()
    finally:
        con.close()
    assert [(float(a), float(b)) for a, b in totals] == [(25.0, 20.0)]


def test_no_order_is_lost_to_the_stray_quotes(month_run):
    root, _, _, lines = month_run
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        stored, opened = con.execute(
            "select count(*), count(*) filter (where content like '\"%') from raw.orders where month = ?",
            [MONTH],
        ).fetchone()
    finally:
        con.close()
    bulletin = json.loads((root / "output" / MONTH / "bulletin.json").read_text(encoding="utf-8"))
    assert stored == lines > 1000
    assert opened == 1  # the quote of row 101 is text
    assert bulletin["intake"]["total"] == lines
    assert bulletin["quarantined_rows"]["orders"] == 0


def test_a_working_run_shows_one_line_per_stage_not_dbt_output(month_run):
    root, result, _, _ = month_run
    lines = result.stdout.splitlines()
    stages = [line.split()[1] for line in lines if line.startswith(("✓", "✗"))]
    assert stages == ["load", "validate", "models", "bulletin"]
    models = next(line for line in lines if line.startswith("✓ models"))
    assert re.search(r" (\d+) of \1 dbt models and tests ", models), models
    assert all(line.rstrip().endswith("s") for line in lines if line.startswith("✓"))  # elapsed time
    assert len(lines) < 12
    assert not any("START" in line or "dagster - INFO" in line for line in lines)
    log = next((root / "logs").glob(f"{MONTH}-*.log"))
    assert f"log: {log}" in lines[0]
    assert "Completed successfully" in log.read_text(encoding="utf-8")  # dbt's output is in the log


def test_the_preflight_says_the_month_would_publish(month_run):
    check = month_run[2]
    assert check.exit_code == 0, check.output
    assert "ok: 2021-02: 0 of" in check.output
    assert "quotes were read as text" in check.output
    for name in OPTIONAL:
        assert f"{name}" in check.output and "no file (optional" in check.output
