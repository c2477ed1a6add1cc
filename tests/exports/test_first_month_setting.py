"""The first month is a setting (HOTLINE_FIRST_MONTH, default 2021-01), read when the definitions load."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = (
    "from pipelines.partitions import FIRST_MONTH, monthly_partitions, validate_month\n"
    "print(FIRST_MONTH, monthly_partitions.get_first_partition_key())\n"
    "for month in ('2019-01', '2020-12', '2021-01'):\n"
    "    try:\n"
    "        validate_month(month); print(month, 'ok')\n"
    "    except ValueError as exc:\n"
    "        print(month, 'refused')\n"
)


def _probe(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HOTLINE_FIRST_MONTH"}
    if value is not None:
        env["HOTLINE_FIRST_MONTH"] = value
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)


def test_default_first_month_is_2021_01():
    lines = _probe(None).stdout.split("\n")
    assert lines[0] == "2021-01 2021-01"
    assert lines[1:4] == ["2019-01 refused", "2020-12 refused", "2021-01 ok"]


def test_a_center_loads_earlier_years_by_setting_the_first_month():
    lines = _probe("2019-01").stdout.split("\n")
    assert lines[0] == "2019-01 2019-01"
    assert lines[1:4] == ["2019-01 ok", "2020-12 ok", "2021-01 ok"]


def test_a_malformed_first_month_is_refused_with_the_setting_named():
    result = _probe("2019/01")
    assert result.returncode != 0
    assert "HOTLINE_FIRST_MONTH='2019/01' is not of the form YYYY-MM" in result.stderr
