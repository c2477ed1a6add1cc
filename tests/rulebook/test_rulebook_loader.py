"""config/rulebook.yaml: loading, validation messages, version selection, writing a month's rows."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.rulebook import (
    RulebookError,
    load_rulebook,
    version_for_month,
    write_rulebook_for_month,
)
from pipelines.settings import CONFIG_DIR

DEFAULT = CONFIG_DIR / "rulebook.yaml"
STANDARD = "《连云港市 12345在线平台绩效评估标准（试行）》（连 12345发〔2021〕1号）"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def write(tmp_path: Path, document: Any, name: str = "rulebook.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    message = str(info.value)
    assert str(path) in message  # every message names the file
    return message


# --- the default file -----------------------------------------------------------------------------


def test_default_rulebook_loads():
    rulebook = load_rulebook(DEFAULT)
    assert rulebook.version_names == ["2021-01", "2022-09"]
    first, second = rulebook.versions
    assert first.standard == STANDARD
    handling = ("及时签收率", "按时办结率", "回访满意率", "答复规范", "首次回应率", "知识储备", "实例拨测")
    assert sum(first.params[item]["weight"] for item in handling) == 99
    assert first.params["回访满意率"]["floor"] == 0
    assert first.params["内容完整"]["min_chars"] == 15
    assert first.params["数据及时"]["max_delay_hours"] == 24
    assert first.params["工作量加分"] == {"per_order": Decimal("0.001"), "threshold": 100, "max": 1}
    assert first.group_full_marks == {"县区": 150, "区及功能板块": 100, "市级部门及单位": 100}
    assert first.time_limits[("complete", "省派", "咨询")] == 2
    assert first.time_limits[("complete", "市派", "投诉")] == 15
    assert len(first.time_limits) == 2 * 2 * 7
    # 2022-09 changes only the satisfaction floor and inherits everything else
    assert second.params["回访满意率"]["floor"] == Decimal("12.5")
    assert {k: v for k, v in second.params.items() if k != "回访满意率"} == {
        k: v for k, v in first.params.items() if k != "回访满意率"
    }
    assert second.params["回访满意率"]["weight"] == 25
    assert second.standard == STANDARD
    assert second.time_limits == first.time_limits


@pytest.mark.parametrize(
    ("month", "version"),
    [
        ("2021-01", "2021-01"),
        ("2021-05", "2021-01"),
        ("2022-08", "2021-01"),
        ("2022-09", "2022-09"),
        ("2024-03", "2022-09"),
    ],
)
def test_version_for_month(month, version):
    assert version_for_month(load_rulebook(DEFAULT), month).effective_from == version


def test_no_version_before_the_first():
    with pytest.raises(RulebookError, match=r"no rulebook version in force for 2020-12.*2021-01"):
        version_for_month(load_rulebook(DEFAULT), "2020-12")


def test_bad_month_argument():
    with pytest.raises(RulebookError, match=r"month must be YYYY-MM, got '2021-5'"):
        version_for_month(load_rulebook(DEFAULT), "2021-5")


def test_versions_are_ordered_whatever_the_file_order(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"].reverse()
    rulebook = load_rulebook(write(tmp_path, doc))
    assert rulebook.version_names == ["2021-01", "2022-09"]
    assert version_for_month(rulebook, "2022-10").params["回访满意率"]["floor"] == Decimal("12.5")


# --- validation messages --------------------------------------------------------------------------


def test_unknown_item(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][0]["handling_items"]["及时签收"] = {"shape": "rate", "weight": 1}
    message = error_of(write(tmp_path, doc))
    assert (
        "version 2021-01: handling_items: unknown key '及时签收'. "
        "Fix: known items of handling_items: 及时签收率," in message
    )


def test_item_in_the_wrong_section(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["data_quality"] = {"回访满意率": {"floor": 1}}
    message = error_of(write(tmp_path, doc))
    assert (
        "version 2022-09: data_quality: unknown key '回访满意率'. "
        "Fix: it belongs in handling_items" in message
    )


def test_missing_weight(tmp_path, document):
    doc = copy.deepcopy(document)
    del doc["versions"][0]["handling_items"]["答复规范"]["weight"]
    message = error_of(write(tmp_path, doc))
    assert "version 2021-01: handling_items.答复规范: missing parameter 'weight'. Fix: add weight" in message


def test_missing_item_in_the_first_version(tmp_path, document):
    doc = copy.deepcopy(document)
    del doc["versions"][0]["data_quality"]["接口稳定性"]
    message = error_of(write(tmp_path, doc))
    assert "version 2021-01: data_quality.接口稳定性: missing item" in message


@pytest.mark.parametrize("value", ["2021-13", "2021-1", "202101", dt.date(2021, 1, 1), 2021])
def test_bad_effective_from(tmp_path, document, value):
    doc = copy.deepcopy(document)
    doc["versions"][1]["effective_from"] = value
    message = error_of(write(tmp_path, doc))
    expected = f"version #2: effective_from: must be a month YYYY-MM (for example 2021-02), got {value!r}"
    assert expected in message
    assert "Fix: the month the version takes effect from, YYYY-MM" in message


def test_missing_effective_from(tmp_path, document):
    doc = copy.deepcopy(document)
    del doc["versions"][1]["effective_from"]
    message = error_of(write(tmp_path, doc))
    assert "version #2: missing key 'effective_from'. Fix: add `effective_from`" in message


def test_negative_weight(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["handling_items"]["知识储备"] = {"weight": -2}
    message = error_of(write(tmp_path, doc))
    assert "version 2022-09: handling_items.知识储备.weight: must be >= 0, got -2" in message


def test_duplicate_versions(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"].append({"effective_from": "2021-01", "handling_items": {"答复规范": {"per": 2}}})
    message = error_of(write(tmp_path, doc))
    assert (
        "version 2021-01: duplicate version: effective_from 2021-01 appears in versions #1 and #3" in message
    )


def test_unknown_parameter(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["handling_items"]["回访满意率"]["weigth"] = 25
    message = error_of(write(tmp_path, doc))
    assert (
        "version 2022-09: handling_items.回访满意率: unknown key 'weigth'. Fix: remove it or correct its "
        "spelling; allowed keys here: shape, weight, city_target, province_target, k, floor" in message
    )


def test_not_a_number(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][0]["handling_items"]["按时办结率"]["k"] = "one"
    message = error_of(write(tmp_path, doc))
    assert "version 2021-01: handling_items.按时办结率.k: must be a number, got 'one'" in message


def test_wrong_shape(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][0]["handling_items"]["答复规范"]["shape"] = "rate"
    message = error_of(write(tmp_path, doc))
    assert "version 2021-01: handling_items.答复规范.shape: Input should be 'count', got 'rate'" in message


def test_floor_above_weight(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["handling_items"]["回访满意率"]["floor"] = 30
    message = error_of(write(tmp_path, doc))
    assert "version 2022-09: handling_items.回访满意率.floor: must be <= weight 25, got 30" in message


def test_missing_time_limit(tmp_path, document):
    doc = copy.deepcopy(document)
    del doc["versions"][0]["time_limits"]["complete"]["省派"]["投诉"]
    message = error_of(write(tmp_path, doc))
    assert "version 2021-01: time_limits.complete.省派: missing category '投诉'" in message


def test_bad_time_limit(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["time_limits"] = {"sign": {"市派": {"咨询": 0}}}
    message = error_of(write(tmp_path, doc))
    assert (
        "version 2022-09: time_limits.sign.市派.咨询: Input should be greater than or equal to 1, got 0. "
        "Fix: kind (sign|complete) → dispatch level (市派|省派) → category → working days" in message
    )


def test_unknown_version_field(tmp_path, document):
    doc = copy.deepcopy(document)
    doc["versions"][1]["handling"] = {}
    message = error_of(write(tmp_path, doc))
    assert "version 2022-09: unknown key 'handling'. Fix: remove it or correct its spelling" in message
    assert "allowed keys here: effective_from, standard, group_full_marks, handling_items" in message


def test_missing_file_and_bad_yaml(tmp_path):
    assert "rulebook file not found" in error_of(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("versions: [\n", encoding="utf-8")
    assert "not valid YAML" in error_of(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("versions: []\n", encoding="utf-8")
    assert "versions: List should have at least 1 item after validation, not 0" in error_of(empty)


# --- writing a month ------------------------------------------------------------------------------


def test_write_rulebook_for_month(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert write_rulebook_for_month(con, "2022-09", DEFAULT) == "2022-09"
    assert write_rulebook_for_month(con, "2021-05", DEFAULT) == "2021-01"
    assert write_rulebook_for_month(con, "2021-05", DEFAULT) == "2021-01"  # re-run: replaced, not duplicated

    counts = dict(con.execute("select month, count(*) from raw.rulebook_params group by month").fetchall())
    assert counts["2021-05"] == counts["2022-09"]
    assert con.execute(
        "select count(*) - count(distinct item || '/' || param) from raw.rulebook_params "
        "where month = '2021-05'"
    ).fetchone() == (0,)
    floor = (
        "select value from raw.rulebook_params where month = ? and item = '回访满意率' and param = 'floor'"
    )
    assert con.execute(floor, ["2021-05"]).fetchone() == (Decimal("0"),)
    assert con.execute(floor, ["2022-09"]).fetchone() == (Decimal("12.5"),)
    assert con.execute(
        "select value from raw.rulebook_params where month = '2021-05' and item = '考评组' "
        "and param = 'full_marks_县区'"
    ).fetchone() == (Decimal("150"),)
    assert con.execute(
        "select working_days from raw.rulebook_time_limits where month = '2021-05' and kind = 'complete' "
        "and dispatch_level = '省派' and category = '咨询'"
    ).fetchone() == (2,)
    assert con.execute(
        "select count(*) from raw.rulebook_time_limits where month = '2021-05'"
    ).fetchone() == (28,)
    assert con.execute(
        "select version, value from raw.rulebook_texts where month = '2021-05' and key = 'standard'"
    ).fetchall() == [("2021-01", STANDARD)]
    con.close()


def test_a_bad_rulebook_writes_nothing(tmp_path, document):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    write_rulebook_for_month(con, "2021-05", DEFAULT)
    doc = copy.deepcopy(document)
    doc["versions"][0]["handling_items"]["答复规范"]["weight"] = -1
    with pytest.raises(RulebookError, match="答复规范.weight: must be >= 0"):
        write_rulebook_for_month(con, "2021-05", write(tmp_path, doc))
    assert con.execute("select count(*) from raw.rulebook_params where month = '2021-05'").fetchone()[0] > 0
    con.close()
