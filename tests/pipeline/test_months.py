"""pipelines.months: the one month helper (parse, previous/next, first/last day, range)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from pydantic import BaseModel, ValidationError

from pipelines.months import (
    Month,
    MonthKey,
    check_month,
    is_month,
    month_range,
    next_month,
    previous_month,
)
from pipelines.settings import PROJECT_ROOT


def test_parse_and_key():
    february = Month.parse("2021-02")
    assert (february.year, february.number) == (2021, 2)
    assert february.key == str(february) == "2021-02"
    assert february.compact == "202102"
    assert Month.parse(" 2021-12 ") == Month(2021, 12)
    assert Month.of(dt.datetime(2022, 1, 31, 23, 59)) == Month(2022, 1)


@pytest.mark.parametrize(
    "bad", ["2021-13", "2021-00", "2021-1", "202102", "21-02", "2021/02", "", None, 202102]
)
def test_parse_refuses(bad):
    with pytest.raises(ValueError, match=re.escape(f"month must be YYYY-MM, got {bad!r}")):
        Month.parse(bad)
    assert not is_month(bad)


def test_previous_next_across_year_ends():
    assert Month.parse("2021-01").previous == Month(2020, 12)
    assert Month.parse("2021-12").next == Month(2022, 1)
    assert Month.parse("2021-03").plus(-14) == Month(2020, 1)
    assert Month.parse("2022-02").months_since(Month(2021, 11)) == 3
    assert previous_month("2022-01") == "2021-12"
    assert next_month("2021-12") == "2022-01"
    assert check_month("2021-05") == "2021-05"


def test_days_and_bounds():
    assert Month(2021, 2).first_day == dt.date(2021, 2, 1)
    assert Month(2021, 2).last_day == dt.date(2021, 2, 28)
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29) and Month(2024, 2).days == 29
    assert Month(2021, 12).start == dt.datetime(2021, 12, 1)
    assert Month(2021, 12).cutoff == dt.datetime(2022, 1, 1)


def test_range():
    assert month_range("2021-11", "2022-02") == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert month_range("2021-03", "2021-03") == ["2021-03"]
    assert len(month_range("2019-01", "2021-12")) == 36
    with pytest.raises(ValueError, match="--to 2021-04 is before --from 2021-05"):
        month_range("2021-05", "2021-04")


def test_month_key_in_a_configuration_model():
    class Example(BaseModel):
        month: MonthKey

    assert Example(month=" 2021-02").month == "2021-02"
    expected = r"must be a month YYYY-MM \(for example 2021-02\), got '2021-2'"
    with pytest.raises(ValidationError, match=expected):
        Example(month="2021-2")


def test_no_other_copy_of_the_month_pattern():
    """The `YYYY-MM` regex lives in pipelines/months.py only."""
    found = subprocess.run(
        ["grep", "-rlF", "(0[1-9]|1[0-2])", "pipelines", "--include=*.py"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    ).stdout.split()
    assert found == ["pipelines/months.py"]
