from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.bulletin.formatting import (
    chinese_count,
    cjk_space,
    format_points,
    format_rate,
    format_table_score,
    glue,
    json_count,
    json_number,
    round2,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (99.175, Decimal("99.18")),  # binary float 99.17499…: rounded as the decimal it prints as
        (Decimal("99.175"), Decimal("99.18")),
        ("99.175", Decimal("99.18")),
        (99.205, Decimal("99.21")),
        (0.125, Decimal("0.13")),
        (2.675, Decimal("2.68")),
        (-1.005, Decimal("-1.01")),  # half away from zero
        (10, Decimal("10.00")),
    ],
)
def test_round2_is_decimal_half_away_from_zero(value, expected):
    assert round2(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (61.1, "61.1%"),
        (100, "100%"),
        (Decimal("100.00"), "100%"),
        (37.5, "37.5%"),
        (66.666, "66.67%"),
        (Decimal("66.67"), "66.67%"),
        (0, "0%"),
        (99.175, "99.18%"),
        (None, "—"),
    ],
)
def test_format_rate(value, expected):
    assert format_rate(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (11.19, "11.19"),
        (Decimal("99.00"), "99"),
        (95.21, "95.21"),
        (99.175, "99.18"),
        (20.3, "20.3"),
        (-0.001, "0"),
    ],
)
def test_format_points(value, expected):
    assert format_points(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(99, "99.00"), (99.21, "99.21"), (98.97, "98.97"), (86.1, "86.10"), (99.175, "99.18"), (7, "7.00")],
)
def test_table_scores_always_show_two_decimals(value, expected):
    assert format_table_score(value) == expected


def test_json_numbers_are_plain_floats_and_ints():
    assert json_number(Decimal("10.0000")) == 10.0 and type(json_number(Decimal("10"))) is float
    assert json_number(None) is None
    assert json_count(Decimal("27086")) == 27086 and type(json_count(Decimal("3"))) is int
    with pytest.raises(ValueError):
        json_count(Decimal("1.5"))


def test_spacing_rule():
    assert cjk_space("市残联3件应办结工单中1件超时办结，导致按时办结率得分为0分") == (
        "市残联 3件应办结工单中 1件超时办结，导致按时办结率得分为 0分"
    )
    assert cjk_space("，8件") == "，8件"
    assert glue("灌南县", "134.96分") == "灌南县 134.96分"
    assert glue("市住建局", "抽检发现") == "市住建局抽检发现"
    assert glue("。", "14件") == "。14件"


def test_chinese_count():
    assert [chinese_count(n) for n in (1, 3, 4, 10, 12, 20, 29)] == [
        "一",
        "三",
        "四",
        "十",
        "十二",
        "二十",
        "二十九",
    ]
