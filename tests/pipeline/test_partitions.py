from datetime import datetime

import pytest

from pipelines.assets.dbt_models import dbt_vars_for_month
from pipelines.partitions import month_cutoff, month_start, monthly_partitions, previous_month, validate_month


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
