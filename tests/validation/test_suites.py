"""The expectation suites of expectations/: one per input, readable, complete, compilable to SQL."""

from __future__ import annotations

import json

import pytest

from pipelines.contract import INPUTS, ColumnType
from pipelines.raw_tables import stored_column_name
from pipelines.settings import EXPECTATIONS_DIR
from pipelines.validation.quarantine import compiled_suite
from pipelines.validation.rules import (
    COLUMN_LEVEL_TYPES,
    UnsupportedExpectation,
    compile_expectation,
    condition_sql,
)
from pipelines.validation.suites import load_suite
from tests.validation.corpus import CORPUS_BY_INPUT

#: every rule of contract.md, by input (row level; severity critical quarantines, warning reports)
CONTRACT_RULES: dict[str, set[str]] = {
    "units": {
        "unit_code.required",
        "unit_code.unique",
        "unit_name.required",
        "unit_name.unique",
        "unit_group.required",
        "unit_group.accepted_values",
    },
    "orders": {
        "order_id.required",
        "order_id.unique",
        "received_at.required",
        "received_at.before_cutoff",
        "received_at.in_month_when_直接办理",
        "channel.accepted_values",
        "category.accepted_values",
        "handling.required",
        "handling.accepted_values",
        "dispatch_level.required_when_交办",
        "dispatch_level.empty_when_直接办理",
        "dispatch_level.accepted_values",
        "unit_code.required_when_交办",
        "unit_code.exists_in_units",
        "dispatched_at.required_when_交办",
        "dispatched_at.not_before_received_at",
        "dispatched_at.before_cutoff",
        "signed_at.not_before_dispatched_at",
        "signed_at.before_cutoff",
        "completed_at.not_before_dispatched_at",
        "completed_at.before_cutoff",
        "completed_at.not_before_month_start",
        "visit_result.accepted_values",
    },
    "inspections": {
        "inspection_id.required",
        "inspection_id.unique",
        "unit_code.required",
        "unit_code.exists_in_units",
        "inspected_at.required",
        "inspected_at.in_month",
        "item.required",
        "item.accepted_values",
        "passed.required",
        "finding.required_when_not_passed",
    },
    "test_calls": {
        "call_id.required",
        "call_id.unique",
        "unit_code.required",
        "unit_code.exists_in_units",
        "called_at.required",
        "called_at.in_month",
        "target.accepted_values",
        "passed.required",
        "deduction.non_negative",
        "deduction.zero_when_passed",
        "reason.required_when_deducted",
    },
    "knowledge_tasks": {
        "task_id.required",
        "task_id.unique",
        "unit_code.required",
        "unit_code.exists_in_units",
        "due_at.required",
        "due_at.in_month",
    },
    "county_records": {
        "record_id.required",
        "record_id.unique",
        "county_code.required",
        "county_code.is_county",
        "status.required",
        "status.accepted_values",
        "visit_result.accepted_values",
        "updated_at.required",
        "pushed_at.required",
        "reply.expected_when_已办结",
        "completed_at.expected_when_已办结",
    },
    "interface_probes": {
        "county_code.required",
        "county_code.is_county",
        "probed_at.required",
        "probed_at.in_month",
        "ok.required",
        "latency_ms.non_negative",
    },
    "county_assessments": {
        "county_code.required",
        "county_code.is_county",
        "county_code.unique",
        "integration_score.range",
        "deduction.non_negative",
        "deduction_reason.required_when_deducted",
    },
    "appeals": {
        "appeal_id.required",
        "appeal_id.unique",
        "order_id.required",
        "order_id.dispatched_to_unit",
        "unit_code.required",
        "unit_code.exists_in_units",
        "item.required",
        "item.accepted_values",
        "item.applies_to_order",
        "submitted_at.required",
        "decision.required",
        "decision.accepted_values",
        "decided_at.required_when_decided",
        "decided_at.not_before_submitted_at",
    },
}
#: rules measured by the indicators, never quarantined (contract: "expected", "may be null")
REPORTED_ONLY = {
    ("county_records", "reply.expected_when_已办结"),
    ("county_records", "completed_at.expected_when_已办结"),
}
TYPE_LISTS = {
    ColumnType.TEXT: ["str"],
    ColumnType.ENUM: ["str"],
    ColumnType.TIMESTAMP: ["datetime64[us]", "datetime64[ns]"],
    ColumnType.BOOL: ["BooleanDtype", "bool"],
    ColumnType.DECIMAL: ["float64"],
    ColumnType.INTEGER: ["Int64Dtype", "int64"],
}


def test_one_readable_suite_file_per_input():
    names = sorted(p.stem for p in EXPECTATIONS_DIR.glob("*.json"))
    assert names == sorted(spec.name for spec in INPUTS)
    for spec in INPUTS:
        text = (EXPECTATIONS_DIR / f"{spec.name}.json").read_text(encoding="utf-8")
        assert "\n  " in text and "\\u" not in text  # indented, Chinese kept readable
        suite = json.loads(text)
        assert suite["name"] == f"hotline.{spec.name}"
        for expectation in suite["expectations"]:
            assert expectation["meta"]["rule"] and expectation["description"], expectation


@pytest.mark.parametrize("spec", INPUTS, ids=lambda s: s.name)
def test_suite_covers_every_rule_of_the_contract(spec):
    suite = compiled_suite(spec.name)
    rules = {r.name for r in suite.rules if not r.is_load_errors}
    assert rules == CONTRACT_RULES[spec.name]
    for rule in suite.rules:
        assert rule.quarantines == ((spec.name, rule.name) not in REPORTED_ONLY), rule.name
    assert any(r.is_load_errors and r.quarantines for r in suite.rules), "cells that do not parse"


@pytest.mark.parametrize("spec", INPUTS, ids=lambda s: s.name)
def test_suite_columns_and_types_follow_the_contract(spec):
    suite = compiled_suite(spec.name)
    exists = {
        c.column: c for c in suite.column_expectations if c.expectation_type == "expect_column_to_exist"
    }
    types = {
        c.column: c.kwargs["type_list"]
        for c in suite.column_expectations
        if c.expectation_type == "expect_column_values_to_be_in_type_list"
    }
    public = [c for c in spec.columns if not c.personal]  # personal data is never validated outside raw
    assert set(exists) == {stored_column_name(c) for c in public}
    assert set(types) == set(exists)
    raw_suite = load_suite(spec.name)
    required = {
        e["kwargs"]["column"]: e["meta"]["required_in_header"]
        for e in raw_suite["expectations"]
        if e["type"] == "expect_column_to_exist"
    }
    for column in public:
        name = stored_column_name(column)
        assert types[name] == TYPE_LISTS[column.type], name
        assert required[name] == column.required_in_header, name


@pytest.mark.parametrize("spec", INPUTS, ids=lambda s: s.name)
def test_the_corpus_breaks_every_rule(spec):
    corpus = CORPUS_BY_INPUT[spec.name]
    broken = set()
    for case in corpus.cases:
        broken.update(case.reported)
        for part in case.rule.split("; ") if case.rule else []:
            # a loader message starts with the column name: the load_errors rule
            broken.add("load_errors" if part.split(": ")[0] in corpus.columns else part)
    expected = {r.name for r in compiled_suite(spec.name).rules}
    if all(c.type in (ColumnType.TEXT, ColumnType.ENUM) for c in spec.columns):
        expected.discard("load_errors")  # every cell is text: nothing can fail to parse
    assert broken == expected


def test_suite_parameters_are_declared_in_the_suite_meta():
    for spec in INPUTS:
        suite = load_suite(spec.name)
        declared = set(suite["meta"]["suite_parameters"])
        assert compiled_suite(spec.name).parameters == declared, spec.name


def test_row_conditions_translate_to_null_safe_sql():
    sql, columns = condition_sql(
        {"row_condition": 'handling=="交办" & (passed==False | deduction>0)', "condition_parser": "pandas"}
    )
    assert sql == (
        'coalesce("handling" = \'交办\', false) and (coalesce("passed" = false, false) '
        'or coalesce("deduction" > 0, false))'
    )
    assert columns == {"handling", "passed", "deduction"}


@pytest.mark.parametrize(
    "expectation",
    [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "mostly": 0.9}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": "x"}},
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "a", "row_condition": 'b!="x"', "condition_parser": "pandas"},
        },
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "a", "row_condition": 'b=="x"', "condition_parser": "spark"},
        },
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "a", "row_condition": 'b=="x"', "condition_parser": "pandas"},
        },
        {
            "type": "expect_column_pair_values_a_to_be_greater_than_b",
            "kwargs": {"column_A": "a", "column_B": "b"},
        },
    ],
    ids=["mostly", "unknown type", "not-equal", "other parser", "conditional unique", "pair keeps missing"],
)
def test_what_the_sql_cannot_mirror_is_refused(expectation):
    with pytest.raises(UnsupportedExpectation):
        compile_expectation({**expectation, "meta": {"rule": "r"}})


def test_column_expectations_are_gx_only():
    compiled = compile_expectation(
        {"type": "expect_column_to_exist", "kwargs": {"column": "a"}, "meta": {"rule": "a.column"}}
    )
    assert compiled.expectation_type in COLUMN_LEVEL_TYPES
