from datetime import datetime

import pytest

from pipelines.models.assets import dbt_vars_for_month
from pipelines.partitions import (
    month_cutoff,
    month_range,
    month_start,
    monthly_partitions,
    previous_month,
    validate_month,
)


def test_month_bounds_and_previous_month():
    assert month_start("2021-02") == datetime(2021, 2, 1)
    assert month_cutoff("2021-02") == datetime(2021, 3, 1)
    assert month_cutoff("2021-12") == datetime(2022, 1, 1)
    assert previous_month("2021-03") == "2021-02"
    assert previous_month("2022-01") == "2021-12"


@pytest.mark.parametrize("bad", ["2021-13", "2021-1", "21-02", "2021/02", "", "2020-12"])
def test_validate_month_rejects(bad):
    with pytest.raises(ValueError, match="month"):
        validate_month(bad)


def test_partition_keys_are_year_month_from_2021_01():
    keys = monthly_partitions.get_partition_keys()
    assert keys[0] == "2021-01"
    assert keys[1] == "2021-02"
    assert all(len(k) == 7 and k[4] == "-" for k in keys)


def test_dbt_vars_carry_the_partition_month():
    assert dbt_vars_for_month("2021-02") == '{"month": "2021-02"}'


def test_month_range_lists_every_month_in_order_across_a_year_end():
    assert month_range("2021-11", "2022-02") == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert month_range("2021-03", "2021-03") == ["2021-03"]
    assert len(month_range("2021-01", "2021-12")) == 12


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [("2021-05", "2021-04", "before"), ("2021-13", "2022-01", "YYYY-MM"), ("2021-01", "2021/03", "YYYY-MM")],
)
def test_month_range_rejects(first, last, message):
    with pytest.raises(ValueError, match=message):
        month_range(first, last)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run"], "give --month YYYY-MM, or --from YYYY-MM --to YYYY-MM"),
        (["run", "--from", "2021-01"], "give --month YYYY-MM, or --from YYYY-MM --to YYYY-MM"),
        (
            ["run", "--month", "2021-01", "--from", "2021-01", "--to", "2021-02"],
            "either --month or --from/--to",
        ),
        (["run", "--from", "2021-03", "--to", "2021-01"], "--to 2021-01 is before --from 2021-03"),
    ],
)
def test_run_refuses_a_bad_range_before_anything_runs(args, message, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.setenv("HOTLINE_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "warehouse.duckdb").exists()
