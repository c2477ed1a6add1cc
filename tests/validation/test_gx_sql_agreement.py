"""The two engines of one suite agree: GX's unexpected rows are exactly the SQL's failing rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.contract import INPUTS, ORDERS
from pipelines.validation.evidence import select_evidence
from pipelines.validation.gx_runner import run_suite
from pipelines.validation.quarantine import compiled_suite, month_parameters
from tests.support.raw_fixture import insert_rows
from tests.validation.conftest import CorpusRun
from tests.validation.corpus import CORPUS_BY_INPUT, MONTH, UNITS

# slow: materializes the corpus through Dagster (make test-fast leaves it out)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]


def assert_engines_agree(con: duckdb.DuckDBPyConnection, input_name: str, month: str, max_rows: int):
    spec = next(s for s in INPUTS if s.name == input_name)
    suite = compiled_suite(input_name)
    parameters = month_parameters(con, month)
    evidence = select_evidence(con, spec, suite, month, parameters, max_rows)
    outcome = run_suite(input_name, evidence.frame, parameters)
    assert not outcome.errors, [(o.rule, o.error) for o in outcome.errors]
    compared = 0
    for expectation in outcome.outcomes:
        if expectation.rule in evidence.sql_failures:
            assert expectation.unexpected_rows == evidence.sql_failures[expectation.rule], expectation.rule
            compared += 1
        else:  # column expectations: existence and dtype of the raw table as read
            assert expectation.success, expectation.rule
    assert compared == len(suite.rules)
    return evidence, outcome


@pytest.mark.parametrize("input_name", [spec.name for spec in INPUTS])
def test_gx_and_sql_flag_the_same_rows_of_the_bad_row_corpus(corpus_run: CorpusRun, input_name: str):
    con = duckdb.connect(str(corpus_run.settings.warehouse_path), read_only=True)
    try:
        evidence, outcome = assert_engines_agree(con, input_name, MONTH, max_rows=100_000)
    finally:
        con.close()
    assert evidence.scope == "whole month" and evidence.rows == len(CORPUS_BY_INPUT[input_name].cases)
    broken = {rule for rule, rows in evidence.sql_failures.items() if rows}
    assert broken == {o.rule for o in outcome.failed if o.rule in evidence.sql_failures}
    assert len(broken) >= 4  # the corpus breaks many rules of every input


def test_a_big_month_is_validated_on_a_bounded_sample_that_keeps_repeated_ids_together(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "big.duckdb"))
    try:
        insert_rows(con, "units", MONTH, [{k: v for k, v in row.items()} for row in UNITS.rows()])
        con.execute(
            """
            insert into raw.orders (month, source_file, source_row, order_id, received_at, channel, category,
                handling, dispatch_level, unit_code, dispatched_at, signed_at, completed_at, visit_result)
            select '2021-02', 'orders.parquet', i,
                'O' || case when i % 997 = 0 then i - 1 else i end,             -- repeated ids
                timestamp '2021-02-01' + to_minutes(i),
                case when i % 1201 = 0 then '传真' else '电话' end,             -- off-list channel
                '投诉', '交办', '市派',
                case when i % 1499 = 0 then 'NOPE' else 'C01' end,              -- unknown unit
                timestamp '2021-02-01' + to_minutes(i + case when i % 1301 = 0 then -10 else 10 end),
                timestamp '2021-02-01' + to_minutes(i + 20),
                null, '满意'
            from range(1, 30001) as t(i)
            """
        )
        evidence, _ = assert_engines_agree(con, ORDERS.name, MONTH, max_rows=3_000)
        repeated = {
            row[0]
            for row in con.execute(
                "select order_id from raw.orders where month = ? group by 1 having count(*) > 1", [MONTH]
            ).fetchall()
        }
    finally:
        con.close()
    assert evidence.scope == "sample" and evidence.rows_in_month == 30_000
    assert 1_500 <= evidence.rows <= 3_600
    frame_ids = evidence.frame["order_id"].value_counts()
    sampled_repeats = {i for i in repeated if i in frame_ids.index}
    assert sampled_repeats and all(frame_ids[i] == 2 for i in sampled_repeats)  # both copies, always
    for rule in (
        "order_id.unique",
        "channel.accepted_values",
        "unit_code.exists_in_units",
        "dispatched_at.not_before_received_at",
    ):
        assert evidence.sql_failures[rule], rule  # the failing rows are in the batch
