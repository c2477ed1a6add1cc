"""fct_explanations: the reasons of rules.md "Explanations", word for word, with their evidence ids."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.rulebook import scoring_months as sm

# slow: runs dbt build (the scoring months) (make test-fast leaves it out)
pytestmark = pytest.mark.slow

D = Decimal


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sm.built_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def explanations(warehouse: Path) -> dict[tuple[str, str, str], dict]:
    rows = sm.query(warehouse, "select * from marts.fct_explanations")
    return {(r["month"], r["unit_code"], r["item"]): r for r in rows}


def explained(explanations: dict, code: str, item: str, month: str = sm.MONTH) -> dict:
    return explanations[(month, code, item)]


def ids(prefix: str, numbers) -> str:
    return ",".join(f"{prefix}{n:03d}" for n in numbers)


def test_late_completion_of_the_bulletin(explanations):
    row = explained(explanations, "D03", "按时办结率")
    assert row["reason"] == "3件应办结工单中1件超时办结，导致按时办结率得分为0分"
    assert row["evidence_ids"] == "D03-003"
    assert row["points_lost"] == D("20")
    assert row["unit_name"] == "市残联"


def test_satisfaction_with_both_parts(explanations):
    row = explained(explanations, "D02", "回访满意率")
    assert row["reason"] == (
        "364件市派工单中市民评价不满意35件，8件省派工单中市民评价不满意2件，导致回访满意率得分为11.19分"
    )
    assert row["evidence_ids"] == ids("D02-C", range(330, 365)) + "," + ids("D02-P", (7, 8))
    assert row["points_lost"] == D("13.81")


def test_reply_standard(explanations):
    row = explained(explanations, "D02", "答复规范")
    assert row["reason"] == "抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为5分"
    assert row["evidence_ids"] == "INS-D02-1,INS-D02-2,INS-D02-3,INS-D02-4,INS-D02-5"


def test_late_sign_and_city_satisfaction_of_the_bulletin(explanations):
    sign = explained(explanations, "D01", "及时签收率")
    assert sign["reason"] == "22件工单中6件超时签收，导致及时签收率得分为0分"
    assert sign["evidence_ids"] == ids("D01-", sm.D01_LATE_SIGN)
    satisfaction = explained(explanations, "D01", "回访满意率")
    assert satisfaction["reason"] == "14件市派工单中市民评价不满意2件，导致回访满意率得分为20.36分"
    assert satisfaction["evidence_ids"] == ids("D01-", sm.D01_UNSATISFIED)
    assert satisfaction["points_lost"] == D("4.64")


@pytest.mark.parametrize(
    ("code", "item", "reason"),
    [
        ("D04", "按时办结率", "5件应办结工单中1件超时办结，导致按时办结率得分为5分"),
        ("D05", "按时办结率", "167件应办结工单中17件超时办结，导致按时办结率得分为14.82分"),
        ("D06", "回访满意率", "7件市派工单中市民评价不满意1件，导致回访满意率得分为20.36分"),
        ("S01", "回访满意率", "3件市派工单中市民评价不满意1件，导致回访满意率得分为10.83分"),
        ("S02", "回访满意率", "2件市派工单中市民评价不满意1件，导致回访满意率得分为2.5分"),
        ("C01", "答复规范", "抽检发现存在工单办理情况答复不规范问题，导致答复规范得分为9分"),
        ("C01", "首次回应率", "抽检10件工单中1件未在规定时间内联系服务对象，导致首次回应率得分为5分"),
    ],
)
def test_reason_texts(explanations, code, item, reason):
    assert explained(explanations, code, item)["reason"] == reason


def test_first_response_knowledge_and_test_calls(explanations):
    first = explained(explanations, "D11", "首次回应率")
    assert first["reason"] == "抽检20件工单中1件未在规定时间内联系服务对象，导致首次回应率得分为7.5分"
    assert first["evidence_ids"] == "INS-D11-20"
    knowledge = explained(explanations, "D11", "知识储备")
    assert knowledge["reason"] == "2项知识库内容未及时填报，导致知识储备得分为8分"
    assert knowledge["evidence_ids"] == "KT-D11-2,KT-D11-3"
    calls = explained(explanations, "D11", "实例拨测")
    # reasons in the order they occurred; ids sorted
    assert (
        calls["reason"] == "实例拨测发现服务流程不规范、缺乏沟通技巧问题，扣1.5分，导致实例拨测得分为10.5分"
    )
    assert calls["evidence_ids"] == "TC-D11-1,TC-D11-2"
    assert calls["points_lost"] == D("1.5")


def test_floor_month_reason(explanations):
    row = explained(explanations, "S02", "回访满意率", sm.FLOOR_MONTH)
    assert row["reason"] == "2件市派工单中市民评价不满意1件，导致回访满意率得分为12.5分"
    assert row["points_lost"] == D("12.5")


def test_only_ranked_units_and_items_with_loss(explanations):
    month_rows = {(code, item) for month, code, item in explanations if month == sm.MONTH}
    assert month_rows == {
        ("D01", "及时签收率"),
        ("D01", "回访满意率"),
        ("D02", "回访满意率"),
        ("D02", "答复规范"),
        ("D03", "按时办结率"),
        ("D04", "按时办结率"),
        ("D05", "按时办结率"),
        ("D06", "回访满意率"),
        ("D11", "首次回应率"),
        ("D11", "知识储备"),
        ("D11", "实例拨测"),
        ("S01", "回访满意率"),
        ("S02", "回访满意率"),
        ("Q06", "按时办结率"),
        ("C01", "答复规范"),
        ("C01", "首次回应率"),
    }
