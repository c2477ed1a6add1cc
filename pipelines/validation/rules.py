"""Compile an expectation suite (the JSON of `expectations/`) into DuckDB SQL, one predicate per rule.

Each row-level expectation becomes a `Rule` whose `failure_sql` is true exactly for the rows
Great Expectations reports as unexpected for it (same null handling, same strictness), written
against a relation named `src` that holds the input's rows of one month. Suite parameters
(`{"$PARAMETER": "cutoff"}`) become DuckDB named parameters (`$cutoff`).

Only a small, explicit set of expectation types and arguments is supported; anything else
(`mostly`, another condition parser, an unknown type) raises `UnsupportedExpectation` instead of
being silently approximated, so the SQL cannot drift from the suite. `tests/validation` checks
that both engines flag the same rows on a corpus of bad rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

#: expectations evaluated row by row: they decide quarantine
ROW_LEVEL_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_in_set",
    }
)
#: expectations on the table's columns (existence, dtype): checked by GX only; the loader and the
#: raw table's DDL enforce them (a missing required column fails the load, a cell that does not
#: parse as its type is a load error)
COLUMN_LEVEL_TYPES = frozenset({"expect_column_to_exist", "expect_column_values_to_be_in_type_list"})

#: kwargs every expectation may carry besides its own
_COMMON_KWARGS = frozenset({"row_condition", "condition_parser"})
_KWARGS: dict[str, frozenset[str]] = {
    "expect_column_values_to_not_be_null": frozenset({"column"}),
    "expect_column_values_to_be_null": frozenset({"column"}),
    "expect_column_values_to_be_unique": frozenset({"column"}),
    "expect_column_values_to_be_in_set": frozenset({"column", "value_set"}),
    "expect_column_values_to_be_between": frozenset(
        {"column", "min_value", "max_value", "strict_min", "strict_max"}
    ),
    "expect_column_pair_values_a_to_be_greater_than_b": frozenset(
        {"column_A", "column_B", "or_equal", "ignore_row_if"}
    ),
    "expect_column_pair_values_to_be_in_set": frozenset(
        {"column_A", "column_B", "value_pairs_set", "ignore_row_if"}
    ),
    "expect_column_to_exist": frozenset({"column"}),
    "expect_column_values_to_be_in_type_list": frozenset({"column", "type_list"}),
}

#: the column holding the loader's messages; its rule quarantines with the message itself
LOAD_ERRORS_COLUMN = "load_errors"
#: GX severities: `critical` rows are quarantined, `warning` ones only reported
QUARANTINE_SEVERITY = "critical"
REPORT_SEVERITIES = frozenset({"warning", "info"})
#: the relation every failure predicate reads
SOURCE = "src"


class UnsupportedExpectation(ValueError):
    """The suite uses an expectation (or an argument) that the SQL compiler does not translate."""


@dataclass(frozen=True)
class Rule:
    """One row-level expectation as SQL."""

    name: str
    expectation_type: str
    columns: tuple[str, ...]
    #: severity critical: a row breaking it is quarantined (else only counted and reported)
    quarantines: bool
    #: boolean SQL over `src`'s columns, true when the row breaks the rule (never null)
    failure_sql: str
    parameters: frozenset[str]
    description: str

    @property
    def is_load_errors(self) -> bool:
        return self.columns == (LOAD_ERRORS_COLUMN,)


@dataclass(frozen=True)
class ColumnExpectation:
    """An expectation about a column as a whole (existence, dtype): GX-only."""

    name: str
    expectation_type: str
    column: str
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class CompiledSuite:
    input: str
    rules: tuple[Rule, ...]
    column_expectations: tuple[ColumnExpectation, ...]

    @property
    def parameters(self) -> frozenset[str]:
        return frozenset().union(*(r.parameters for r in self.rules)) if self.rules else frozenset()

    @property
    def quarantine_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.quarantines)

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(f"{self.input} has no rule {name!r}")


# ------------------------------------------------------------------------------------------------
# SQL fragments


def ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UnsupportedExpectation(f"column name {name!r} is not a plain identifier")
    return '"' + name + '"'


def sql_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, datetime):
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    raise UnsupportedExpectation(f"cannot write {value!r} as a SQL literal")


def _parameter_name(value: Any) -> str | None:
    if isinstance(value, dict):
        if set(value) != {"$PARAMETER"} or not re.fullmatch(r"[a-z_][a-z0-9_]*", str(value["$PARAMETER"])):
            raise UnsupportedExpectation(f"unsupported suite parameter {value!r}")
        return str(value["$PARAMETER"])
    return None


def _scalar(value: Any, used: set[str]) -> str:
    name = _parameter_name(value)
    if name is not None:
        used.add(name)
        return f"${name}"
    return sql_literal(value)


def _value_pairs(value: Any, used: set[str]) -> str:
    """A list of [a, b] text pairs (a parameter, or literal pairs) as a DuckDB `varchar[][]`."""
    name = _parameter_name(value)
    if name is not None:
        used.add(name)
        return f"cast(${name} as varchar[][])"
    if not isinstance(value, list) or not value or any(len(pair) != 2 for pair in value):
        raise UnsupportedExpectation(f"value_pairs_set must be a non-empty list of pairs, got {value!r}")
    return "[" + ", ".join(f"[{sql_literal(a)}, {sql_literal(b)}]" for a, b in value) + "]"


def _value_set(value: Any, used: set[str]) -> str:
    name = _parameter_name(value)
    if name is not None:
        used.add(name)
        return f"cast(${name} as varchar[])"
    if not isinstance(value, list) or not value:
        raise UnsupportedExpectation(f"value_set must be a non-empty list or a parameter, got {value!r}")
    return "[" + ", ".join(sql_literal(v) for v in value) + "]"


# ------------------------------------------------------------------------------------------------
# row conditions: the pandas query subset the suites use

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"[^"]*"|'[^']*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<op>==|>=|<=|>|<)
      | (?P<logic>&|\|)
      | (?P<paren>[()])
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_CONSTANTS = {"True": "true", "False": "false"}


def _tokens(condition: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = condition.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnsupportedExpectation(f"row_condition {condition!r}: cannot read {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


class _ConditionParser:
    """`cond := term (('&'|'|') term)*`, `term := '(' cond ')' | column op value`.

    A comparison with a null is false in both engines: pandas' `query` keeps no row whose
    comparison is NaN/NA, SQL wraps each comparison in `coalesce(…, false)`. `!=` is refused
    (pandas keeps the nulls there, SQL would not).
    """

    def __init__(self, condition: str) -> None:
        self.condition = condition
        self.tokens = _tokens(condition)
        self.position = 0
        self.columns: set[str] = set()

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, kind: str | None = None) -> tuple[str, str]:
        token = self._peek()
        if token is None or (kind is not None and token[0] != kind):
            raise UnsupportedExpectation(f"row_condition {self.condition!r}: unexpected end or token")
        self.position += 1
        return token

    def parse(self) -> str:
        sql = self._cond()
        if self._peek() is not None:
            raise UnsupportedExpectation(f"row_condition {self.condition!r}: trailing {self._peek()[1]!r}")
        return sql

    def _cond(self) -> str:
        parts = [self._term()]
        while (token := self._peek()) is not None and token[0] == "logic":
            self._take()
            parts.append("and" if token[1] == "&" else "or")
            parts.append(self._term())
        return " ".join(parts)

    def _term(self) -> str:
        token = self._peek()
        if token == ("paren", "("):
            self._take()
            inner = self._cond()
            self._take("paren")
            return f"({inner})"
        kind, column = self._take("name")
        if column in _CONSTANTS:
            raise UnsupportedExpectation(
                f"row_condition {self.condition!r}: a comparison starts with a column"
            )
        _, op = self._take("op")
        kind, value = self._take()
        if kind == "string":
            right = sql_literal(value[1:-1])
        elif kind == "number":
            right = value
        elif kind == "name" and value in _CONSTANTS:
            right = _CONSTANTS[value]
        else:
            raise UnsupportedExpectation(
                f"row_condition {self.condition!r}: compare a column with a constant"
            )
        self.columns.add(column)
        sql_op = "=" if op == "==" else op
        return f"coalesce({ident(column)} {sql_op} {right}, false)"


def condition_sql(kwargs: dict[str, Any]) -> tuple[str | None, set[str]]:
    """SQL of the expectation's row_condition (None: every row), and the columns it reads."""
    condition = kwargs.get("row_condition")
    if condition is None:
        return None, set()
    if isinstance(condition, dict):  # GX writes a string condition back as a pass-through filter
        if condition.get("type") != "pass_through" or "pass_through_filter" not in condition:
            raise UnsupportedExpectation(f"unsupported row_condition {condition!r}")
        condition = condition["pass_through_filter"]
    if kwargs.get("condition_parser") != "pandas":
        raise UnsupportedExpectation("row_condition needs condition_parser 'pandas'")
    parser = _ConditionParser(str(condition))
    return parser.parse(), parser.columns


# ------------------------------------------------------------------------------------------------
# expectations


def _failure_sql(
    expectation_type: str, kwargs: dict[str, Any], used: set[str]
) -> tuple[str, tuple[str, ...]]:
    if expectation_type == "expect_column_pair_values_a_to_be_greater_than_b":
        if kwargs.get("ignore_row_if") != "either_value_is_missing":
            raise UnsupportedExpectation(
                "column pair expectations need ignore_row_if 'either_value_is_missing'"
            )
        a, b = ident(kwargs["column_A"]), ident(kwargs["column_B"])
        op = ">=" if kwargs.get("or_equal") else ">"
        return (
            f"{a} is not null and {b} is not null and not ({a} {op} {b})",
            (kwargs["column_A"], kwargs["column_B"]),
        )
    if expectation_type == "expect_column_pair_values_to_be_in_set":
        if kwargs.get("ignore_row_if") != "either_value_is_missing":
            raise UnsupportedExpectation(
                "column pair expectations need ignore_row_if 'either_value_is_missing'"
            )
        a, b = ident(kwargs["column_A"]), ident(kwargs["column_B"])
        pairs = _value_pairs(kwargs["value_pairs_set"], used)
        return (
            f"{a} is not null and {b} is not null and not list_contains({pairs}, "
            f"[cast({a} as varchar), cast({b} as varchar)])",
            (kwargs["column_A"], kwargs["column_B"]),
        )
    column_name = kwargs["column"]
    column = ident(column_name)
    if expectation_type == "expect_column_values_to_not_be_null":
        return f"{column} is null", (column_name,)
    if expectation_type == "expect_column_values_to_be_null":
        return f"{column} is not null", (column_name,)
    if expectation_type == "expect_column_values_to_be_unique":
        repeated = (
            f"select {column} from {SOURCE} where {column} is not null group by {column} having count(*) > 1"
        )
        return f"{column} is not null and {column} in ({repeated})", (column_name,)
    if expectation_type == "expect_column_values_to_be_in_set":
        return (
            f"{column} is not null and not list_contains({_value_set(kwargs['value_set'], used)}, {column})",
            (column_name,),
        )
    if expectation_type == "expect_column_values_to_be_between":
        outside = []
        if kwargs.get("min_value") is not None:
            op = "<=" if kwargs.get("strict_min") else "<"
            outside.append(f"{column} {op} {_scalar(kwargs['min_value'], used)}")
        if kwargs.get("max_value") is not None:
            op = ">=" if kwargs.get("strict_max") else ">"
            outside.append(f"{column} {op} {_scalar(kwargs['max_value'], used)}")
        if not outside:
            raise UnsupportedExpectation("expect_column_values_to_be_between needs min_value or max_value")
        return f"{column} is not null and ({' or '.join(outside)})", (column_name,)
    raise UnsupportedExpectation(f"no SQL for {expectation_type}")


def compile_expectation(expectation: dict[str, Any]) -> Rule | ColumnExpectation:
    expectation_type = expectation.get("type", "")
    kwargs = dict(expectation.get("kwargs", {}))
    meta = expectation.get("meta", {}) or {}
    name = meta.get("rule")
    if not name:
        raise UnsupportedExpectation(f"{expectation_type} {kwargs}: meta.rule (the rule's name) is missing")
    allowed = _KWARGS.get(expectation_type)
    if allowed is None:
        raise UnsupportedExpectation(f"rule {name}: expectation type {expectation_type!r} is not supported")
    unknown = set(kwargs) - allowed - _COMMON_KWARGS
    if unknown:
        raise UnsupportedExpectation(f"rule {name}: unsupported argument(s) {sorted(unknown)}")
    if expectation_type in COLUMN_LEVEL_TYPES:
        if "row_condition" in kwargs:
            raise UnsupportedExpectation(f"rule {name}: a column expectation takes no row_condition")
        return ColumnExpectation(name, expectation_type, kwargs["column"], kwargs)

    severity = expectation.get("severity", QUARANTINE_SEVERITY)
    if severity != QUARANTINE_SEVERITY and severity not in REPORT_SEVERITIES:
        raise UnsupportedExpectation(f"rule {name}: unknown severity {severity!r}")
    if expectation_type == "expect_column_values_to_be_unique" and "row_condition" in kwargs:
        raise UnsupportedExpectation(f"rule {name}: uniqueness is checked over every row (no row_condition)")
    used: set[str] = set()
    failure, columns = _failure_sql(expectation_type, kwargs, used)
    condition, _ = condition_sql(kwargs)
    if condition is not None:
        failure = f"({condition}) and ({failure})"
    return Rule(
        name=name,
        expectation_type=expectation_type,
        columns=columns,
        quarantines=severity == QUARANTINE_SEVERITY,
        failure_sql=f"coalesce({failure}, false)",
        parameters=frozenset(used),
        description=str(expectation.get("description") or ""),
    )


def compile_suite(suite: dict[str, Any]) -> CompiledSuite:
    """Every expectation of the suite, compiled; raises UnsupportedExpectation on anything unknown."""
    rules: list[Rule] = []
    columns: list[ColumnExpectation] = []
    seen: set[str] = set()
    for expectation in suite.get("expectations", []):
        compiled = compile_expectation(expectation)
        if compiled.name in seen:
            raise UnsupportedExpectation(f"rule name {compiled.name!r} is used twice")
        seen.add(compiled.name)
        (rules if isinstance(compiled, Rule) else columns).append(compiled)
    if any(";" in r.name for r in rules):
        raise UnsupportedExpectation("a rule name may not contain ';' (it separates rules in raw.quarantine)")
    return CompiledSuite(input=suite["meta"]["input"], rules=tuple(rules), column_expectations=tuple(columns))
