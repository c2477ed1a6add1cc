"""Which 考评组 are ranked, and their full marks, come from the month's rulebook rows (issue 9,
point 1): dim_units and fct_unit_scores name no group.

The shipped rulebook's rows for the month, then changed by hand as a center's own standard could
be: 县区 worth 120 points, 区及功能板块 not ranked at all (no `full_marks_区及功能板块` row).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.rulebook import write_rulebook_for_month
from pipelines.settings import CONFIG_DIR
from tests.support.dbt_harness import dbt_build
from tests.support.raw_fixture import insert_rows

# slow: runs dbt build (make test-fast leaves it out)
pytestmark = pytest.mark.slow

MONTH = "2021-02"
UNITS = [
    dict(unit_code="C1", unit_name="东海县", unit_group="县区"),
    dict(unit_code="D1", unit_name="连云区", unit_group="区及功能板块"),
    dict(unit_code="U1", unit_name="市人社局", unit_group="市级部门及单位"),
    dict(unit_code="X1", unit_name="市外单位", unit_group="不参与考评"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("groups") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        insert_rows(con, "units", MONTH, UNITS)
        write_rulebook_for_month(con, MONTH, CONFIG_DIR / "rulebook.yaml")
        where = "where month = ? and param = "
        con.execute(f"update raw.rulebook_params set value = 120 {where}'full_marks_县区'", [MONTH])
        con.execute(f"delete from raw.rulebook_params {where}'full_marks_区及功能板块'", [MONTH])
    dbt_build(path, MONTH, select="+dim_units")
    return path


def test_ranked_groups_and_full_marks_follow_the_rulebook_rows(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select unit_code, unit_group, full_marks, is_ranked_group "
            "from marts.dim_units order by unit_code"
        ).fetchall()
    assert rows == [
        ("C1", "县区", 120, True),
        ("D1", "区及功能板块", None, False),
        ("U1", "市级部门及单位", 100, True),
        ("X1", "不参与考评", None, False),
    ]


def test_no_group_is_named_in_the_unit_models():
    models = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
    for name in ("marts/dim_units.sql", "marts/fct_unit_scores.sql"):
        lines = (models / name).read_text(encoding="utf-8").splitlines()
        code = "\n".join(line for line in lines if not line.startswith("--"))
        for group in ("县区", "区及功能板块", "市级部门及单位", "不参与考评"):
            assert group not in code, (name, group)
