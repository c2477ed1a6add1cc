"""Numbers as the bulletin prints them: decimal rounding, rates, points, table scores, spacing.

Every rounding goes through `round2`: decimal arithmetic, half away from zero, so 99.175 becomes
99.18 whether it arrives as Decimal, int or float (a float is read through its shortest repr, the
number the warehouse meant, not its binary approximation 99.17499…).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TWO_PLACES = Decimal("0.01")

#: shown where a rate has no denominator (never in a sentence: the text avoids naming such a rate)
NO_RATE = "—"

_CJK_THEN_DIGIT = re.compile(r"([\u4e00-\u9fff])(\d)")


def to_decimal(value: object) -> Decimal:
    """Exact Decimal of a warehouse number (Decimal, int, float or numeric text)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    raise TypeError(f"not a number: {value!r}")


def round2(value: object) -> Decimal:
    """Round half away from zero to 2 decimals (ROUND_HALF_UP is away from zero for negatives too)."""
    return to_decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def json_number(value: object) -> float | None:
    """A score, points or rate for bulletin.json: float rounded to 2 decimals, None stays None."""
    if value is None:
        return None
    return float(round2(value))


def json_count(value: object) -> int | None:
    """A count for bulletin.json: int (DuckDB's 128-bit sums arrive as int or Decimal)."""
    if value is None:
        return None
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"count is not a whole number: {value!r}")
    return int(number)


def _trimmed(value: object) -> str:
    text = format(round2(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_points(value: object) -> str:
    """Points and scores in running text: 2 decimals, trailing zeros dropped (`99`, `95.21`, `0`)."""
    return _trimmed(value)


def format_rate(value: object) -> str:
    """A percentage: `61.1%`, `100%`, `37.5%`, `66.67%`; `—` without a denominator (None)."""
    if value is None:
        return NO_RATE
    return f"{_trimmed(value)}%"


def format_table_score(value: object) -> str:
    """Scores and points in tables: always 2 decimals (`99.00`, `7.00`, `138.22`)."""
    if value is None:
        return NO_RATE
    return format(round2(value), "f")


def format_count(value: object) -> str:
    return str(json_count(value))


def cjk_space(text: str) -> str:
    """The bulletin's spacing rule: one space between a Chinese character and a following digit.

    (`市残联3件应办结工单中1件超时办结` → `市残联 3件应办结工单中 1件超时办结`); a digit is
    followed directly by its unit (`3件`, `99分`, `61.1%`). Used on texts the marts phrase.
    """
    return _CJK_THEN_DIGIT.sub(r"\1 \2", text)


def glue(left: str, right: str) -> str:
    """Concatenate two phrases, with the bulletin's space where a Chinese character meets a digit."""
    if left and right and _CJK_THEN_DIGIT.match(left[-1] + right[0]):
        return f"{left} {right}"
    return left + right


_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_count(n: int) -> str:
    """Small counts in words (`三家单位`): 0–99."""
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CHINESE_DIGITS[tens]
    return f"{head}十{_CHINESE_DIGITS[ones] if ones else ''}"
