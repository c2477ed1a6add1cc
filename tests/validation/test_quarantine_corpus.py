"""The bad-row corpus through Dagster: exactly the right rows quarantined, the right rule, reconciled."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.contract import INPUTS, INPUTS_BY_NAME
from pipelines.validation.checks import reconciliation_result
from pipelines.validation.quarantine import month_parameters, reconcile, write_quarantine
from tests.support.dbt_harness import dbt_build
from tests.validation.conftest import CorpusRun, failure_messages
from tests.validation.corpus import CORPUS, CORPUS_BY_INPUT, MONTH, ORDERS, PHONE

# slow: materializes the corpus and runs dbt build (make test-fast leaves it out)
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::Warning")]


def test_every_raw_asset_loads_and_every_check_runs(corpus_run: CorpusRun):
    assert corpus_run.result.success
    assert failure_messages(corpus_run.result) == {}
    materialized = {
        e.asset_key.to_user_string() for e in corpus_run.result.get_asset_materialization_events()
    }
    assert materialized == {f"raw/{spec.name}" for spec in INPUTS} | {"raw/quarantine"}
    assert set(corpus_run.checks) == {f"raw/{s.name}:contract" for s in INPUTS} | {
        "raw/quarantine:reconciliation"
    }


@pytest.mark.parametrize("corpus", CORPUS, ids=lambda c: c.input)
def test_exactly_the_right_rows_are_quarantined_with_the_right_rule(corpus_run: CorpusRun, corpus):
    rows = corpus_run.query(
        "select source_row, rule, source_file from raw.quarantine "
        "where month = ? and input = ? order by source_row",
        [MONTH, corpus.input],
    )
    assert {row: rule for row, rule, _ in rows} == corpus.expected_quarantine()
    assert {source_file for _, _, source_file in rows} == {f"{corpus.input}.{corpus.format}"}


@pytest.mark.parametrize("corpus", CORPUS, ids=lambda c: c.input)
def test_rows_read_equal_rows_accepted_plus_rows_quarantined(corpus_run: CorpusRun, corpus):
    check = corpus_run.checks["raw/quarantine:reconciliation"]
    assert check.passed
    numbers = check.metadata["reconciliation"].value[corpus.input]
    assert numbers == {
        "rows_read": len(corpus.cases),
        "rows_accepted": len(corpus.accepted_rows()),
        "rows_quarantined": len(corpus.expected_quarantine()),
        "holds": True,
    }


@pytest.mark.parametrize("corpus", CORPUS, ids=lambda c: c.input)
def test_contract_check_counts_rules_and_links_its_data_docs(corpus_run: CorpusRun, corpus):
    check = corpus_run.checks[f"raw/{corpus.input}:contract"]
    metadata = {k: v.value for k, v in check.metadata.items()}
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN  # rows quarantined, the month goes on
    assert metadata["rows_read"] == len(corpus.cases)
    assert metadata["rows_quarantined"] == len(corpus.expected_quarantine())
    assert metadata["rows_accepted"] == len(corpus.accepted_rows())

    expected_counts: Counter[str] = Counter()
    first_row: dict[str, int] = {}
    for row, case in enumerate(corpus.cases, start=1):
        parts = [*(case.rule.split("; ") if case.rule else []), *case.reported]
        for part in parts:
            name = "load_errors" if part.split(": ")[0] in corpus.columns else part
            expected_counts[name] += 1
            first_row.setdefault(name, row)
    assert metadata["rule_counts"] == dict(expected_counts)
    for rule, samples in metadata["samples"].items():
        assert samples[0]["source_row"] == first_row[rule]
    id_column = INPUTS_BY_NAME[corpus.input].id_column
    if id_column:
        assert all(id_column in s for samples in metadata["samples"].values() for s in samples)

    assert metadata["gx_sql_disagreements"] == {}
    assert metadata["gx_scope"] == "whole month" and metadata["gx_rows_validated"] == len(corpus.cases)
    page = Path(metadata["data_docs"])
    assert page.is_file() and page.suffix == ".html"
    assert page.is_relative_to(corpus_run.settings.output_dir / MONTH / "data_docs" / corpus.input)
    assert f"hotline.{corpus.input}" in page.read_text(encoding="utf-8")
    assert Path(metadata["data_docs_index"]).is_file()
    assert metadata["suite"].endswith(f"expectations/{corpus.input}.json")


def test_contract_check_lists_rules_with_their_first_rows(corpus_run: CorpusRun):
    table = corpus_run.checks["raw/orders:contract"].metadata["rules"].value
    assert "| `order_id.unique` | 2 | quarantined | 7: DUP1, 8: DUP1 |" in table
    assert "| `unit_code.exists_in_units` | 2 | quarantined | 20: B15, 21: B16 |" in table
    probes = corpus_run.checks["raw/interface_probes:contract"].metadata["rules"].value
    assert "| `county_code.is_county` | 1 | quarantined | 3 |" in probes  # no id: the source row


def test_rules_only_reported_do_not_quarantine(corpus_run: CorpusRun):
    check = corpus_run.checks["raw/county_records:contract"]
    assert (
        "reported, not quarantined: reply.expected_when_已办结 (1), completed_at.expected_when_已办结 (1)"
        in (check.description)
    )
    assert 3 in CORPUS_BY_INPUT["county_records"].accepted_rows()


def test_quarantined_rows_keep_no_personal_data(corpus_run: CorpusRun):
    rows = corpus_run.query("select input, row_json from raw.quarantine where month = ?", [MONTH])
    assert rows
    for _, text in rows:
        assert PHONE not in text and "路灯不亮" not in text and "噪音扰民" not in text
        assert not {"caller_phone", "caller_phone_hash", "content", "reply"} & set(json.loads(text))
    (text,) = corpus_run.query(
        "select row_json from raw.quarantine where month = ? and input = 'orders' and rule = "
        "'unit_code.exists_in_units' order by source_row limit 1",
        [MONTH],
    )[0]
    assert json.loads(text) == {
        "order_id": "B15",
        "received_at": "2021-02-03 09:00:00",
        "channel": "电话",
        "category": "投诉",
        "handling": "交办",
        "dispatch_level": "市派",
        "supervision": False,
        "unit_code": "NOPE",
        "dispatched_at": "2021-02-03 10:00:00",
        "sign_deadline": None,
        "signed_at": "2021-02-03 11:00:00",
        "due_at": None,
        "completed_at": "2021-02-08 16:00:00",
        "visit_result": "满意",
    }
    docs = (corpus_run.settings.output_dir / MONTH / "data_docs").rglob("*.html")
    assert not any(PHONE in p.read_text(encoding="utf-8") for p in docs)


@pytest.fixture
def warehouse_copy(corpus_run: CorpusRun, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(corpus_run.settings.warehouse_path, copy)
    return copy


def test_rerun_replaces_only_that_months_quarantine(warehouse_copy: Path):
    con = duckdb.connect(str(warehouse_copy))
    try:
        con.execute(
            "insert into raw.quarantine "
            "values ('2021-01', 'orders', 'orders.csv', 7, 'order_id.required', '{}')"
        )
        before = con.execute("select * from raw.quarantine where month = ? order by all", [MONTH]).fetchall()
        counts = write_quarantine(con, MONTH)
        after = con.execute("select * from raw.quarantine where month = ? order by all", [MONTH]).fetchall()
        other = con.execute("select count(*) from raw.quarantine where month = '2021-01'").fetchone()[0]
    finally:
        con.close()
    assert after == before
    assert other == 1
    assert counts["orders"].rows_quarantined == len(ORDERS.expected_quarantine())


def test_reconciliation_fails_when_the_quarantine_is_stale(warehouse_copy: Path):
    con = duckdb.connect(str(warehouse_copy))
    try:
        con.execute("delete from raw.quarantine where input = 'orders' and source_row = 6")
        con.execute("insert into raw.quarantine values (?, 'test_calls', 'x', 999, 'r', '{}')", [MONTH])
        parameters = month_parameters(con, MONTH)
        items = [reconcile(con, spec, MONTH, parameters) for spec in INPUTS]
    finally:
        con.close()
    by_input = {r.input: r for r in items}
    assert [r.input for r in items if not r.holds] == ["orders", "test_calls"]
    # the row taken out of the quarantine would reach staging although it breaks order_id.required
    assert (by_input["orders"].rows_accepted, by_input["orders"].out_of_step) == (
        len(ORDERS.accepted_rows()) + 1,
        1,
    )
    assert by_input["test_calls"].orphans == 1
    result = reconciliation_result(items)
    assert not result.passed and result.severity == dg.AssetCheckSeverity.ERROR
    assert "orders: read 38 but accepted 9 + quarantined 29, 1 rows quarantined or not against the rules" in (
        result.description
    )
    assert "1 quarantined rows not in raw" in result.description


def test_staging_views_leave_the_quarantined_rows_out(warehouse_copy: Path):
    """One dbt build of the staging models over the corpus: accepted rows only, every dbt test passing."""
    output = dbt_build(warehouse_copy, MONTH, select="staging")
    assert "ERROR=0" in output and "WARN=0" in output
    con = duckdb.connect(str(warehouse_copy), read_only=True)
    try:
        for corpus in CORPUS:
            spec = INPUTS_BY_NAME[corpus.input]
            (staged,) = con.execute(
                f"select count(*) from staging.stg_{corpus.input} where month = ?", [MONTH]
            ).fetchone()
            assert staged == len(corpus.accepted_rows()), corpus.input
            if spec.id_column:
                ids = {
                    r[0]
                    for r in con.execute(
                        f"select {spec.id_column} from staging.stg_{corpus.input}"
                    ).fetchall()
                }
                expected = {corpus.rows()[row - 1][spec.id_column] for row in corpus.accepted_rows()}
                assert ids == expected, corpus.input
    finally:
        con.close()
