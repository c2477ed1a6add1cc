from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pipelines.bulletin.config import BulletinConfigError, load_settings


def test_shipped_settings(settings_path: Path):
    settings = load_settings(settings_path)
    assert settings.center_name == "连云港市 12345 政府公共服务中心"
    assert settings.platform_name == "市 12345在线平台"
    assert [settings.group(g).heading for g in ("县区", "区及功能板块", "市级部门及单位")] == [
        "各县、赣榆区",
        "各区、功能板块",
        "市各部门及单位",
    ]
    # the published February 2021 bulletin: 2021年第 4 期, dated 2021年 3月 15日
    assert settings.issue_year("2021-02") == 2021
    assert settings.issue_number("2021-02") == 4
    assert settings.publication_date("2021-02") == dt.date(2021, 3, 15)
    # the 15th of M+1 (December rolls into the next year)
    assert settings.publication_date("2021-12") == dt.date(2022, 1, 15)


def test_a_year_of_issue_numbers(settings_path: Path):
    """Counted from issue.start (2021-01 = 第 3 期): March follows February, every month one more
    to December, then January 2022 restarts the year's series at 1."""
    settings = load_settings(settings_path)
    months = [f"2021-{m:02d}" for m in range(1, 13)] + [f"2022-{m:02d}" for m in range(1, 13)]
    numbers = [settings.issue_number(m) for m in months]
    assert numbers[:12] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert numbers[12:] == list(range(1, 13))
    assert [settings.issue_year(m) for m in ("2021-12", "2022-01")] == [2021, 2022]


def _write(tmp_path: Path, settings_path: Path, change) -> Path:
    data = yaml.safe_load(settings_path.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bulletin.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_issue_start_count_and_publication_overrides(tmp_path: Path, settings_path: Path):
    def change(data):
        # two issues a month from 2021-05 = 第 9 期, one series running over the years
        data["issue"] = {
            "start": {"month": "2021-05", "number": 9},
            "per_month": 2,
            "restart_each_year": False,
        }
        data["publication"] = {"day_of_next_month": 10, "overrides": {"2021-05": "2021-06-20"}}

    settings = load_settings(_write(tmp_path, settings_path, change))
    assert settings.issue_number("2021-05") == 9
    assert settings.issue_number("2021-06") == 11
    assert settings.issue_number("2021-03") == 5
    assert settings.issue_number("2022-01") == 25
    with pytest.raises(BulletinConfigError, match="move issue.start to an earlier month"):
        settings.issue_number("2020-12")
    assert settings.publication_date("2021-03") == dt.date(2021, 4, 10)
    assert settings.publication_date("2021-05") == dt.date(2021, 6, 20)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("center_name"), "yaml: missing key 'center_name'. Fix: add `center_name`: the"),
        (lambda d: d["groups"].pop("县区"), "groups: missing 考评组 ['县区']: add its heading"),
        (lambda d: d["groups"].update({"其他": {"heading": "x", "table_caption": "y"}}), "groups: unknown"),
        (lambda d: d["groups"]["县区"].update(heading=""), "groups.县区.heading: must be a non-empty text"),
        (
            lambda d: d["issue"].update(overrides={"2021-03": 4}),
            "issue: unknown key 'overrides'. Fix: remove it: per-month overrides and offsets are gone",
        ),
        (
            lambda d: d["issue"].update(start={"month": "2021-13", "number": 4}),
            "issue.start.month: must be a month YYYY-MM (for example 2021-02), got '2021-13'",
        ),
        (
            lambda d: d["issue"].update(start={"month": "2021-01", "number": 0}),
            "issue.start.number: Input should be greater than or equal to 1, got 0. Fix: that month's issue",
        ),
        (
            lambda d: d["groups"]["市级部门及单位"].update(style="list"),
            "groups.市级部门及单位.style: Input should be 'scores' or 'summary', got 'list'",
        ),
        (
            lambda d: d["publication"].update(day_of_next_month=31),
            "publication.day_of_next_month: Input should be less than or equal to 28, got 31. Fix: the day",
        ),
        (
            lambda d: d["publication"].update(overrides={"2021-02": "15 March"}),
            "publication.overrides.2021-02: must be a date YYYY-MM-DD, got '15 March'",
        ),
        (
            lambda d: d.update(centre_name="x"),
            "yaml: unknown key 'centre_name'. Fix: remove it or correct its spelling; allowed keys here:",
        ),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, settings_path: Path, change, message):
    """Each message names the file, the key and the fix (pydantic's error, config_errors.describe)."""
    path = _write(tmp_path, settings_path, change)
    with pytest.raises(BulletinConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_and_invalid_files(tmp_path: Path):
    with pytest.raises(BulletinConfigError, match="not found"):
        load_settings(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("center_name: [unclosed\n", encoding="utf-8")
    with pytest.raises(BulletinConfigError, match="invalid YAML"):
        load_settings(bad)
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- a\n", encoding="utf-8")
    with pytest.raises(BulletinConfigError, match="must be a mapping"):
        load_settings(not_mapping)
