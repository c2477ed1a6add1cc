"""Re-running a month through Dagster, and a month whose input cannot be read."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.contract import INPUTS
from tests.support.pipeline_run import MONTHS, PipelineRun, pipeline_env

# slow: runs whole months through Dagster (make test-fast leaves it out)
pytestmark = pytest.mark.slow

COUNTED_SCHEMAS = ("raw", "intermediate", "marts")


def rows_per_month(warehouse: Path) -> dict[tuple[str, str], int]:
    """(table, month) → rows, over every table of the warehouse that has a month column."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.columns "
            "where column_name = 'month' and table_schema in ('raw', 'intermediate', 'marts')"
        ).fetchall()
        counts = {}
        for (table,) in tables:
            for month, n in con.execute(f"select month, count(*) from {table} group by month").fetchall():
                counts[(table, month)] = n
        return counts
    finally:
        con.close()


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for key in ("HOTLINE_LANDING", "HOTLINE_WAREHOUSE", "HOTLINE_OUTPUT", "DAGSTER_HOME"):
        monkeypatch.setenv(key, env[key])


def test_rerunning_a_month_changes_nothing_and_leaves_the_other_month_alone(
    two_months: PipelineRun, monkeypatch: pytest.MonkeyPatch
):
    before = rows_per_month(two_months.warehouse)
    bulletin_before = (two_months.output / "2021-02" / "bulletin.json").read_text(encoding="utf-8")
    assert {month for _, month in before} >= set(MONTHS)
    assert before[("raw.orders", "2021-02")] > 5000

    use_env(monkeypatch, two_months.env)
    result = CliRunner().invoke(main, ["run", "--month", "2021-02"])
    assert result.exit_code == 0, result.output

    assert rows_per_month(two_months.warehouse) == before
    assert (two_months.output / "2021-02" / "bulletin.json").read_text(encoding="utf-8") == bulletin_before


def write_landing_with_broken_orders(landing: Path, month: str) -> Path:
    from pipelines.demo.generator import generate_month

    generate_month(month, landing, scale=0.01)
    orders = landing / month / "orders.csv"
    lines = orders.read_text(encoding="gb18030").splitlines()
    header = lines[0].split(",")
    position = header.index("受理时间")
    cut = [",".join(v for i, v in enumerate(line.split(",")) if i != position) for line in lines]
    orders.write_text("\n".join(cut) + "\n", encoding="gb18030")
    return orders


def test_an_unreadable_input_fails_the_run_with_a_message_naming_file_and_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    orders = write_landing_with_broken_orders(tmp_path / "landing", "2021-03")
    use_env(monkeypatch, pipeline_env(tmp_path))

    result = CliRunner().invoke(main, ["run", "--month", "2021-03"])

    assert result.exit_code == 1
    assert "the run for 2021-03 failed" in result.output
    assert str(orders) in result.output
    assert "received_at" in result.output and "受理时间" in result.output
    assert "Fix:" in result.output
    assert not (tmp_path / "output" / "2021-03" / "bulletin.json").exists()


def test_a_bad_month_is_refused_before_anything_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    use_env(monkeypatch, pipeline_env(tmp_path))
    result = CliRunner().invoke(main, ["run", "--month", "2021-13"])
    assert result.exit_code == 1
    assert "YYYY-MM" in result.output
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_generate_writes_a_month_in_the_contract_format(tmp_path: Path):
    args = ["generate", "--month", "2021-02", "--out", str(tmp_path), "--scale", "0.01"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2021-02" / "orders.csv").exists()
    assert (tmp_path / "units.csv").exists()
    written = {path.name.split(".")[0] for path in (tmp_path / "2021-02").iterdir()}
    assert written == {spec.name for spec in INPUTS if not spec.reference}


def test_a_range_runs_each_month_in_order_and_dbt_reuses_its_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`hotline run --from --to`: one Dagster run a month, in order, in one process; the second
    month's `dbt build` starts from the first one's parse state (no full re-parse, no warning)."""
    import dagster as dg

    from pipelines.demo.generator import generate_month
    from pipelines.models.dbt_artifacts import ARTIFACTS_FOLDER

    months = ("2021-03", "2021-04")
    for month in months:
        generate_month(month, tmp_path / "landing", scale=0.02)
    use_env(monkeypatch, pipeline_env(tmp_path))
    result = CliRunner().invoke(main, ["run", "--from", months[0], "--to", months[1]])
    assert result.exit_code == 0, result.output
    for month in months:
        assert (tmp_path / "output" / month / "bulletin.json").exists()
        assert f"{month}: done" in result.output
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        runs = list(reversed(instance.get_runs()))
    assert [run.tags["dagster/partition"] for run in runs] == list(months)
    assert all(run.is_success for run in runs)
    # each invocation's target folder is named after the run, under DAGSTER_HOME/dbt_artifacts
    artifacts = tmp_path / "dagster_home" / ARTIFACTS_FOLDER
    logs = {
        run.tags["dagster/partition"]: next(artifacts.glob(f"dbt_models-{run.run_id[:7]}-*"))
        / "dbt.log"
        for run in runs
    }
    second = logs[months[1]].read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in second
    assert "partial" in second.lower()
