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
    # the rules: month number, the 15th of M+1 (December rolls into the next year)
    assert settings.issue_number("2021-03") == 3
    assert settings.publication_date("2021-12") == dt.date(2022, 1, 15)


def _write(tmp_path: Path, settings_path: Path, change) -> Path:
    data = yaml.safe_load(settings_path.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bulletin.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_offset_and_overrides(tmp_path: Path, settings_path: Path):
    def change(data):
        data["issue"].update(offset=2, overrides={"2021-05": 9})
        data["publication"] = {"day_of_next_month": 10, "overrides": {"2021-05": "2021-06-20"}}

    settings = load_settings(_write(tmp_path, settings_path, change))
    assert settings.issue_number("2021-03") == 5
    assert settings.issue_number("2021-05") == 9
    assert settings.publication_date("2021-03") == dt.date(2021, 4, 10)
    assert settings.publication_date("2021-05") == dt.date(2021, 6, 20)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("center_name"), "missing key 'center_name'"),
        (lambda d: d["groups"].pop("县区"), "groups is missing 考评组 '县区'"),
        (lambda d: d["groups"].update({"其他": {"heading": "x", "table_caption": "y"}}), "unknown 考评组"),
        (lambda d: d["groups"]["县区"].update(heading=""), "groups.县区.heading must be a non-empty text"),
        (lambda d: d["issue"].update(rule="sequential"), "issue.rule must be one of"),
        (lambda d: d["issue"].update(overrides={"2021-13": 4}), "is not a month YYYY-MM"),
        (lambda d: d["publication"].update(day_of_next_month=31), "day_of_next_month must be a whole number"),
        (lambda d: d["publication"].update(overrides={"2021-02": "15 March"}), "must be a date YYYY-MM-DD"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, settings_path: Path, change, message):
    with pytest.raises(BulletinConfigError, match=message.replace("(", r"\(")):
        load_settings(_write(tmp_path, settings_path, change))


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
