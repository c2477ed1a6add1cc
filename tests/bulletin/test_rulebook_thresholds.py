"""The rulebook drives the bulletin's thresholds (issue 9, point 1).

The fixture month written twice: with the shipped rulebook version (province target 98 %, handling
items worth 99 points) and with a version whose province target is 97 % and whose handling items
are worth 99.2 points (知识储备 weight 12.2). The marts are the same, so the second bulletin may
differ only where the thresholds are printed or select units: the 一.3 sentence and
`units_at_least_99`, the 三.2 sentence and `units_below_98`, and the province chart's target line.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.bulletin.charts import province_satisfaction
from pipelines.bulletin.rules import BulletinRulesError, read_rules
from pipelines.bulletin.writer import write_bulletin
from tests.bulletin.marts_fixture import MONTH, SETTINGS_PATH


def _write(warehouse: Path, output: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        written = write_bulletin(con, MONTH, output, SETTINGS_PATH)
        rules = read_rules(con, MONTH)
    return written, rules


def _differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Paths of the JSON values that differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = list(before) + [k for k in after if k not in before]
        return [d for k in keys for d in _differences(before.get(k), after.get(k), f"{path}.{k}")]
    return [] if before == after else [path]


@pytest.fixture(scope="module")
def two_bulletins(warehouse_template: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("thresholds")
    shipped = _write(warehouse_template, root / "shipped")
    changed_warehouse = root / "changed.duckdb"
    changed_warehouse.write_bytes(warehouse_template.read_bytes())
    with duckdb.connect(str(changed_warehouse)) as con:
        con.execute(
            "update raw.rulebook_params set value = 97 "
            "where month = ? and item = '回访满意率' and param = 'province_target'",
            [MONTH],
        )
        con.execute(
            "update raw.rulebook_params set value = 12.2 "
            "where month = ? and item = '知识储备' and param = 'weight'",
            [MONTH],
        )
    changed = _write(changed_warehouse, root / "changed")
    return shipped, changed


def test_the_rules_are_the_month_version(two_bulletins):
    (_, shipped), (_, changed) = two_bulletins
    assert (shipped.province_target, shipped.excellent_score) == (98, 99)
    assert (changed.province_target, changed.excellent_score) == (97, Decimal("99.2"))
    assert shipped.ranked_groups == changed.ranked_groups == ("县区", "区及功能板块", "市级部门及单位")
    assert shipped.full_marks == {"县区": 150, "区及功能板块": 100, "市级部门及单位": 100}


def test_only_the_threshold_lists_change_in_the_json(two_bulletins):
    (shipped, _), (changed, _) = two_bulletins
    before = json.loads(shipped.json_path.read_text(encoding="utf-8"))
    after = json.loads(changed.json_path.read_text(encoding="utf-8"))
    assert _differences(before, after) == [
        ".province.units_below_98",
        ".groups.市级部门及单位.units_at_least_99",
    ]
    # 97.5 % is below 98 % but not below 97 %; 99 points reach 99 but not 99.2
    assert [u["unit_name"] for u in after["province"]["units_below_98"]] == ["海州区", "连云区"]
    assert after["groups"]["市级部门及单位"]["units_at_least_99"] == ["城建控股集团"]


def test_only_the_threshold_sentences_change_in_the_text(two_bulletins):
    (shipped, _), (changed, _) = two_bulletins
    before = shipped.markdown_path.read_text(encoding="utf-8").splitlines()
    after = changed.markdown_path.read_text(encoding="utf-8").splitlines()
    removed = [line[1:] for line in difflib.ndiff(before, after) if line.startswith("- ")]
    added = [line[2:] for line in difflib.ndiff(before, after) if line.startswith("+ ")]
    assert len(removed) == len(added) == 2
    assert any("考评得分在 99分以上的单位共有城建控股集团、市工信局等 4家" in line for line in removed)
    assert any("考评得分在 99.2分以上的单位有城建控股集团 1家" in line for line in added)
    below_98 = "回访满意率低于 98%的有 3家单位，分别为海州区 37.5%、连云区 50%、市政务办 97.5%"
    assert any(below_98 in line for line in removed)
    assert any("回访满意率低于 97%的有 2家单位，分别为海州区 37.5%、连云区 50%。" in line for line in added)
    # the Word and web documents carry the same sentences (one document model)
    for path in (changed.docx_path, changed.html_path):
        assert path is not None and path.exists()
    html = changed.html_path.read_text(encoding="utf-8")
    assert "回访满意率低于 97%的有 2家单位" in html and "低于 98%" not in html


def test_the_province_chart_line_moves_to_the_target(two_bulletins):
    (shipped, shipped_rules), (changed, changed_rules) = two_bulletins
    data = json.loads(changed.json_path.read_text(encoding="utf-8"))
    before = province_satisfaction(data, shipped_rules)
    after = province_satisfaction(data, changed_rules)
    assert "98%" in before.texts and "97%" not in before.texts
    assert "97%" in after.texts and "98%" not in after.texts
    assert before.png != after.png
    assert (changed.directory / "charts" / "province_satisfaction_by_unit.png").read_bytes() == after.png


def test_a_month_without_its_rulebook_numbers_is_refused(warehouse: Path):
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.rulebook_params where month = ? and param = 'province_target'", [MONTH])
        message = r"回访满意率\.province_target.*materialize the rulebook"
        with pytest.raises(BulletinRulesError, match=message):
            read_rules(con, MONTH)
