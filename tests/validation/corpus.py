"""The bad-input corpus: one month of landing files in which each row is a case of the contract.

Every input gets a file (CSV, xlsx or parquet, as a platform would export it) mixing valid rows
with rows that each break one rule of contract.md (some several, some a cell that does not parse).
`Case.rule` is the exact `raw.quarantine.rule` the row must get (None: the row is accepted).
File-level cases (empty, truncated, undecodable …) are in `FILE_CASES`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.contract import INPUTS_BY_NAME

MONTH = "2021-02"
NOT_TIMESTAMP = "is not a timestamp (YYYY-MM-DD HH:MM:SS)"
NOT_BOOLEAN = "is not a boolean (1/0, true/false, 是/否)"
PHONE = "13812345678"


@dataclass(frozen=True)
class Case:
    name: str
    cells: dict[str, str]
    #: the exact raw.quarantine.rule, or None when the row is accepted
    rule: str | None = None
    #: rules counted without quarantining the row (severity warning)
    reported: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputCorpus:
    input: str
    #: csv, xlsx or parquet
    format: str
    base: dict[str, str]
    cases: list[Case] = field(default_factory=list)

    def rows(self) -> list[dict[str, str]]:
        return [{**self.base, **case.cells} for case in self.cases]

    @property
    def columns(self) -> list[str]:
        return INPUTS_BY_NAME[self.input].column_names

    def expected_quarantine(self) -> dict[int, str]:
        """source_row (1-based data row) → rule, for the quarantined rows."""
        return {row: case.rule for row, case in enumerate(self.cases, start=1) if case.rule is not None}

    def accepted_rows(self) -> list[int]:
        return [row for row, case in enumerate(self.cases, start=1) if case.rule is None]


def ok(name: str, **cells: str) -> Case:
    return Case(name, cells)


def bad(name: str, rule: str, **cells: str) -> Case:
    return Case(name, cells, rule)


UNITS = InputCorpus(
    "units",
    "csv",
    {"unit_code": "", "unit_name": "", "unit_group": "市级部门及单位"},
    [
        ok("county 1", unit_code="LYG01", unit_name="东海县", unit_group="县区"),
        ok("county 2", unit_code="LYG02", unit_name="灌云县", unit_group="县区"),
        ok("county 3", unit_code="LYG03", unit_name="灌南县", unit_group="县区"),
        ok("county 4", unit_code="LYG04", unit_name="赣榆区", unit_group="县区"),
        ok("county 5", unit_code="LYG05", unit_name="海州区", unit_group="县区"),
        ok("county 6", unit_code="LYG06", unit_name="连云区", unit_group="县区"),
        ok("city unit", unit_code="C01", unit_name="市公安局"),
        ok("district", unit_code="Q01", unit_name="市开发区", unit_group="区及功能板块"),
        ok("never ranked", unit_code="X01", unit_name="市民卡公司", unit_group="不参与考评"),
        bad("unit_code empty", "unit_code.required", unit_name="无编码单位"),
        bad("unit_code repeated (1)", "unit_code.unique", unit_code="D01", unit_name="重复甲"),
        bad("unit_code repeated (2)", "unit_code.unique", unit_code="D01", unit_name="重复乙"),
        bad("unit_name repeated (1)", "unit_name.unique", unit_code="N01", unit_name="同名单位"),
        bad("unit_name repeated (2)", "unit_name.unique", unit_code="N02", unit_name="同名单位"),
        bad("unit_group empty", "unit_group.required", unit_code="G01", unit_name="无考评组", unit_group=""),
        bad(
            "unit_group off-list",
            "unit_group.accepted_values",
            unit_code="G02",
            unit_name="街道办",
            unit_group="街道",
        ),
        bad("unit_name empty", "unit_name.required", unit_code="E01"),
    ],
)

#: a dispatched order, signed and completed in the month
_ORDER = {
    "order_id": "",
    "received_at": "2021-02-03 09:00:00",
    "channel": "电话",
    "category": "投诉",
    "handling": "交办",
    "dispatch_level": "市派",
    "supervision": "0",
    "unit_code": "C01",
    "dispatched_at": "2021-02-03 10:00:00",
    "sign_deadline": "",
    "signed_at": "2021-02-03 11:00:00",
    "due_at": "",
    "completed_at": "2021-02-08 16:00:00",
    "visit_result": "满意",
    "caller_phone": PHONE,
    "content": f"路灯不亮，联系电话{PHONE}",
}
_DIRECT = {
    "handling": "直接办理",
    "dispatch_level": "",
    "unit_code": "",
    "dispatched_at": "",
    "signed_at": "",
    "completed_at": "",
    "visit_result": "",
}
_CARRIED = {
    "received_at": "2021-01-20 09:00:00",
    "dispatched_at": "2021-01-20 10:00:00",
    "signed_at": "2021-01-20 11:00:00",
}

ORDERS = InputCorpus(
    "orders",
    "csv",
    _ORDER,
    [
        ok("dispatched", order_id="OK1"),
        ok("direct", order_id="OK2", **_DIRECT),
        ok("carried over, still open", order_id="OK3", **_CARRIED, completed_at=""),
        ok("carried over, completed in M", order_id="OK4", **_CARRIED, completed_at="2021-02-02 10:00:00"),
        ok("province order", order_id="OK5", dispatch_level="省派", unit_code="LYG01", visit_result="未回访"),
        bad("order_id empty", "order_id.required", order_id=""),
        bad("order_id repeated (1)", "order_id.unique", order_id="DUP1"),
        bad("order_id repeated (2)", "order_id.unique", order_id="DUP1", **_DIRECT),
        bad("received_at empty", "received_at.required", order_id="B04", **_DIRECT, received_at=""),
        bad(
            "received at the cutoff",
            "received_at.before_cutoff",
            order_id="B05",
            **_DIRECT,
            received_at="2021-03-01 00:00:00",
        ),
        bad(
            "received_at does not parse",
            f"received_at: '2021-02-30 10:00:00' {NOT_TIMESTAMP}",
            order_id="B06",
            **_DIRECT,
            received_at="2021-02-30 10:00:00",
        ),
        bad("channel off-list", "channel.accepted_values", order_id="B07", channel="传真"),
        bad("category off-list", "category.accepted_values", order_id="B08", category="闲聊"),
        bad("handling empty", "handling.required", order_id="B09", handling=""),
        bad("handling off-list", "handling.accepted_values", order_id="B10", handling="转办"),
        bad(
            "交办 without dispatch_level",
            "dispatch_level.required_when_交办",
            order_id="B11",
            dispatch_level="",
        ),
        bad(
            "直接办理 with dispatch_level",
            "dispatch_level.empty_when_直接办理",
            order_id="B12",
            **{**_DIRECT, "dispatch_level": "市派"},
        ),
        bad(
            "dispatch_level off-list", "dispatch_level.accepted_values", order_id="B13", dispatch_level="区派"
        ),
        bad("交办 without unit", "unit_code.required_when_交办", order_id="B14", unit_code=""),
        bad("unknown unit", "unit_code.exists_in_units", order_id="B15", unit_code="NOPE"),
        bad("unit whose row is quarantined", "unit_code.exists_in_units", order_id="B16", unit_code="D01"),
        bad(
            "交办 without dispatched_at", "dispatched_at.required_when_交办", order_id="B17", dispatched_at=""
        ),
        bad(
            "dispatched before received",
            "dispatched_at.not_before_received_at",
            order_id="B18",
            dispatched_at="2021-02-03 08:00:00",
            signed_at="2021-02-03 08:30:00",
        ),
        bad(
            "dispatched after the cutoff",
            "dispatched_at.before_cutoff",
            order_id="B19",
            dispatched_at="2021-03-01 08:00:00",
            signed_at="",
            completed_at="",
        ),
        bad(
            "signed before dispatched",
            "signed_at.not_before_dispatched_at",
            order_id="B20",
            signed_at="2021-02-03 09:30:00",
        ),
        bad(
            "signed after the cutoff",
            "signed_at.before_cutoff",
            order_id="B21",
            signed_at="2021-03-02 09:00:00",
            completed_at="",
        ),
        bad(
            "completed before dispatched",
            "completed_at.not_before_dispatched_at",
            order_id="B22",
            signed_at="",
            completed_at="2021-02-03 09:45:00",
        ),
        bad(
            "completed after the cutoff",
            "completed_at.before_cutoff",
            order_id="B23",
            completed_at="2021-03-05 10:00:00",
        ),
        bad(
            "carried over but completed before M",
            "completed_at.not_before_month_start",
            order_id="B24",
            **_CARRIED,
            completed_at="2021-01-25 10:00:00",
        ),
        bad(
            "直接办理 received before M",
            "received_at.in_month_when_直接办理",
            order_id="B25",
            **_DIRECT,
            received_at="2021-01-15 09:00:00",
        ),
        bad("visit_result off-list", "visit_result.accepted_values", order_id="B26", visit_result="很满意"),
        bad(
            "supervision does not parse",
            f"supervision: 'maybe' {NOT_BOOLEAN}",
            order_id="B27",
            supervision="maybe",
        ),
        bad(
            "two rules at once",
            "channel.accepted_values; category.accepted_values",
            order_id="B28",
            channel="传真",
            category="闲聊",
        ),
        bad(
            "a cell that does not parse and a rule",
            f"signed_at: 'yesterday' {NOT_TIMESTAMP}; channel.accepted_values",
            order_id="B29",
            signed_at="yesterday",
            channel="传真",
        ),
        bad(
            "dispatched_at does not parse (required rule not repeated)",
            f"dispatched_at: 'garbage' {NOT_TIMESTAMP}",
            order_id="B30",
            dispatched_at="garbage",
        ),
        # the orders the appeals name (explicit deadlines: the corpus run has no calendar)
        ok("rated 不满意", order_id="AP1", sign_deadline="2021-02-04 10:00:00", visit_result="不满意"),
        ok(
            "completed late",
            order_id="AP2",
            sign_deadline="2021-02-04 10:00:00",
            due_at="2021-02-05 10:00:00",
        ),
        ok("signed late", order_id="AP3", sign_deadline="2021-02-03 10:30:00"),
    ],
)

INSPECTIONS = InputCorpus(
    "inspections",
    "xlsx",
    {
        "inspection_id": "",
        "unit_code": "C01",
        "order_id": "OK1",
        "inspected_at": "2021-02-10 10:00:00",
        "item": "答复规范",
        "passed": "1",
        "finding": "",
    },
    [
        ok("passed", inspection_id="I01"),
        ok(
            "failed with finding",
            inspection_id="I02",
            unit_code="LYG01",
            order_id="",
            item="首次回应",
            passed="0",
            finding="未及时联系",
        ),
        bad("inspection_id empty", "inspection_id.required"),
        bad("inspection_id repeated (1)", "inspection_id.unique", inspection_id="IDUP"),
        bad("inspection_id repeated (2)", "inspection_id.unique", inspection_id="IDUP"),
        bad("unit_code empty", "unit_code.required", inspection_id="I06", unit_code=""),
        bad("unknown unit", "unit_code.exists_in_units", inspection_id="I07", unit_code="NOPE"),
        bad("inspected_at empty", "inspected_at.required", inspection_id="I08", inspected_at=""),
        bad(
            "inspected before M",
            "inspected_at.in_month",
            inspection_id="I09",
            inspected_at="2021-01-31 23:59:59",
        ),
        bad(
            "inspected at the cutoff",
            "inspected_at.in_month",
            inspection_id="I10",
            inspected_at="2021-03-01 00:00:00",
        ),
        bad("item empty", "item.required", inspection_id="I11", item=""),
        bad("item off-list", "item.accepted_values", inspection_id="I12", item="服务态度"),
        bad("passed empty", "passed.required", inspection_id="I13", passed=""),
        bad("failed without finding", "finding.required_when_not_passed", inspection_id="I14", passed="否"),
        bad("passed does not parse", f"passed: 'maybe' {NOT_BOOLEAN}", inspection_id="I15", passed="maybe"),
    ],
)

TEST_CALLS = InputCorpus(
    "test_calls",
    "parquet",
    {
        "call_id": "",
        "unit_code": "C01",
        "called_at": "2021-02-05 10:00:00",
        "target": "热线坐席",
        "passed": "1",
        "deduction": "0",
        "reason": "",
    },
    [
        ok("passed", call_id="T01"),
        ok(
            "failed with deduction",
            call_id="T02",
            unit_code="LYG01",
            target="值班电话",
            passed="0",
            deduction="1.5",
            reason="无人接听",
        ),
        bad("call_id empty", "call_id.required"),
        bad("unit_code empty", "unit_code.required", call_id="T14", unit_code=""),
        bad("called_at empty", "called_at.required", call_id="T15", called_at=""),
        bad("call_id repeated (1)", "call_id.unique", call_id="TDUP"),
        bad("call_id repeated (2)", "call_id.unique", call_id="TDUP"),
        bad("unknown unit", "unit_code.exists_in_units", call_id="T06", unit_code="NOPE"),
        bad("called after the month", "called_at.in_month", call_id="T07", called_at="2021-03-03 10:00:00"),
        bad("target off-list", "target.accepted_values", call_id="T08", target="手机"),
        bad("passed empty", "passed.required", call_id="T09", passed=""),
        bad(
            "negative deduction",
            "deduction.non_negative",
            call_id="T10",
            passed="0",
            deduction="-1",
            reason="x",
        ),
        bad(
            "deduction although passed",
            "deduction.zero_when_passed",
            call_id="T11",
            deduction="1",
            reason="x",
        ),
        bad(
            "deduction without reason",
            "reason.required_when_deducted",
            call_id="T12",
            passed="0",
            deduction="2",
        ),
        bad(
            "deduction does not parse",
            "deduction: 'abc' is not a decimal number",
            call_id="T13",
            deduction="abc",
        ),
    ],
)

KNOWLEDGE_TASKS = InputCorpus(
    "knowledge_tasks",
    "csv",
    {
        "task_id": "",
        "unit_code": "C01",
        "due_at": "2021-02-15 18:00:00",
        "submitted_at": "2021-02-14 10:00:00",
    },
    [
        ok("submitted", task_id="K01"),
        ok("not submitted", task_id="K02", unit_code="LYG02", submitted_at=""),
        bad("task_id repeated (1)", "task_id.unique", task_id="KDUP"),
        bad("task_id repeated (2)", "task_id.unique", task_id="KDUP"),
        bad("unit_code empty", "unit_code.required", task_id="K05", unit_code=""),
        bad("due_at empty", "due_at.required", task_id="K06", due_at=""),
        bad("due after the month", "due_at.in_month", task_id="K07", due_at="2021-03-15 18:00:00"),
        bad(
            "submitted_at does not parse",
            f"submitted_at: 'soon' {NOT_TIMESTAMP}",
            task_id="K08",
            submitted_at="soon",
        ),
        bad("unit whose row is quarantined", "unit_code.exists_in_units", task_id="K09", unit_code="D01"),
        bad("task_id empty", "task_id.required"),
    ],
)

COUNTY_RECORDS = InputCorpus(
    "county_records",
    "csv",
    {
        "record_id": "",
        "county_code": "LYG01",
        "received_at": "2021-02-02 09:00:00",
        "channel": "电话",
        "category": "投诉",
        "content": f"噪音扰民 {PHONE}",
        "status": "已办结",
        "reply": "已处理",
        "completed_at": "2021-02-04 10:00:00",
        "due_at": "2021-02-10 10:00:00",
        "visit_result": "满意",
        "updated_at": "2021-02-04 10:00:00",
        "pushed_at": "2021-02-04 10:05:00",
    },
    [
        ok("completed", record_id="R01"),
        ok(
            "open, gaps measured not rejected",
            record_id="R02",
            county_code="LYG02",
            received_at="",
            channel="传真",
            category="",
            content="",
            status="办理中",
            reply="",
            completed_at="",
            visit_result="",
        ),
        Case(
            "completed without reply nor completed_at (reported only)",
            {"record_id": "R03", "reply": "", "completed_at": ""},
            None,
            ("reply.expected_when_已办结", "completed_at.expected_when_已办结"),
        ),
        bad("record_id repeated (1)", "record_id.unique", record_id="RDUP"),
        bad("record_id repeated (2)", "record_id.unique", record_id="RDUP"),
        bad("not a county", "county_code.is_county", record_id="R06", county_code="C01"),
        bad("unknown county", "county_code.is_county", record_id="R07", county_code="NOPE"),
        bad("county_code empty", "county_code.required", record_id="R08", county_code=""),
        bad("status empty", "status.required", record_id="R09", status=""),
        bad("status off-list", "status.accepted_values", record_id="R10", status="已撤销"),
        bad("visit_result off-list", "visit_result.accepted_values", record_id="R11", visit_result="很满意"),
        bad("updated_at empty", "updated_at.required", record_id="R12", updated_at=""),
        bad("pushed_at empty", "pushed_at.required", record_id="R13", pushed_at=""),
        bad("record_id empty", "record_id.required"),
        bad(
            "pushed_at does not parse",
            f"pushed_at: '2021-02-04 25:00:00' {NOT_TIMESTAMP}",
            record_id="R15",
            pushed_at="2021-02-04 25:00:00",
        ),
    ],
)

INTERFACE_PROBES = InputCorpus(
    "interface_probes",
    "csv",
    {"county_code": "LYG01", "probed_at": "2021-02-01 00:00:00", "ok": "1", "latency_ms": "120"},
    [
        ok("first instant of M"),
        ok(
            "last second of M, failed, no latency",
            county_code="LYG02",
            probed_at="2021-02-28 23:59:59",
            ok="0",
            latency_ms="",
        ),
        bad("not a county", "county_code.is_county", county_code="Q01"),
        bad("county_code empty", "county_code.required", county_code=""),
        bad("probed before M", "probed_at.in_month", probed_at="2021-01-31 23:59:59"),
        bad("probed_at empty", "probed_at.required", probed_at=""),
        bad("ok empty", "ok.required", ok=""),
        bad("negative latency", "latency_ms.non_negative", latency_ms="-5"),
        bad("latency not an integer", "latency_ms: '12.5' is not an integer", latency_ms="12.5"),
    ],
)

COUNTY_ASSESSMENTS = InputCorpus(
    "county_assessments",
    "xlsx",
    {"county_code": "", "integration_score": "5", "deduction": "0", "deduction_reason": ""},
    [
        ok("full marks", county_code="LYG02", integration_score="4.5"),
        bad("two rows of a county (1)", "county_code.unique", county_code="LYG01"),
        bad("two rows of a county (2)", "county_code.unique", county_code="LYG01", integration_score="3"),
        bad("not a county", "county_code.is_county", county_code="C01"),
        bad(
            "integration_score over 5", "integration_score.range", county_code="LYG03", integration_score="6"
        ),
        bad(
            "negative deduction",
            "deduction.non_negative",
            county_code="LYG04",
            deduction="-1",
            deduction_reason="x",
        ),
        bad(
            "deduction without reason",
            "deduction_reason.required_when_deducted",
            county_code="LYG05",
            deduction="2",
        ),
        bad(
            "score does not parse",
            "integration_score: 'high' is not a decimal number",
            county_code="LYG06",
            integration_score="high",
        ),
        bad("county_code empty", "county_code.required"),
    ],
)

APPEALS = InputCorpus(
    "appeals",
    "parquet",
    {
        "appeal_id": "",
        "order_id": "AP1",
        "unit_code": "C01",
        "item": "回访满意率",
        "submitted_at": "2021-02-20 09:00:00",
        "decision": "通过",
        "decided_at": "2021-02-25 09:00:00",
        "reason": f"市民诉求不合理，联系电话{PHONE}",
    },
    [
        ok("upheld, satisfaction", appeal_id="A01"),
        ok("upheld, late completion", appeal_id="A02", order_id="AP2", item="按时办结率"),
        ok("rejected, late sign", appeal_id="A03", order_id="AP3", item="及时签收率", decision="不通过"),
        ok("pending", appeal_id="A04", order_id="AP3", item="及时签收率", decision="待审核", decided_at=""),
        bad("appeal_id empty", "appeal_id.required"),
        bad("appeal_id repeated (1)", "appeal_id.unique", appeal_id="A06"),
        bad("appeal_id repeated (2)", "appeal_id.unique", appeal_id="A06", decision="不通过"),
        bad("order_id empty", "order_id.required", appeal_id="A07", order_id=""),
        bad("order not in the export", "order_id.dispatched_to_unit", appeal_id="A08", order_id="NOPE"),
        bad("order quarantined", "order_id.dispatched_to_unit", appeal_id="A09", order_id="B07"),
        bad("直接办理 order", "order_id.dispatched_to_unit", appeal_id="A10", order_id="OK2"),
        bad("another unit's order", "order_id.dispatched_to_unit", appeal_id="A11", unit_code="LYG01"),
        bad("unit_code empty", "unit_code.required", appeal_id="A12", unit_code=""),
        bad(
            "unknown unit",
            "order_id.dispatched_to_unit; unit_code.exists_in_units",
            appeal_id="A13",
            unit_code="NOPE",
        ),
        bad("item empty", "item.required", appeal_id="A14", item=""),
        bad("item off-list", "item.accepted_values", appeal_id="A15", item="答复规范"),
        bad("satisfaction, order rated 满意", "item.applies_to_order", appeal_id="A16", order_id="OK1"),
        bad(
            "completion, order not due in M",
            "item.applies_to_order",
            appeal_id="A17",
            order_id="OK1",
            item="按时办结率",
        ),
        bad(
            "sign, order signed in time",
            "item.applies_to_order",
            appeal_id="A18",
            order_id="AP1",
            item="及时签收率",
        ),
        bad("submitted_at empty", "submitted_at.required", appeal_id="A19", submitted_at=""),
        bad("decision empty", "decision.required", appeal_id="A20", decision=""),
        bad("decision off-list", "decision.accepted_values", appeal_id="A21", decision="撤回"),
        bad("upheld without decided_at", "decided_at.required_when_decided", appeal_id="A22", decided_at=""),
        bad(
            "decided before submitted",
            "decided_at.not_before_submitted_at",
            appeal_id="A23",
            decided_at="2021-02-19 09:00:00",
        ),
        bad(
            "submitted_at does not parse",
            f"submitted_at: 'last week' {NOT_TIMESTAMP}",
            appeal_id="A24",
            submitted_at="last week",
        ),
        ok("upheld again, same order and item", appeal_id="A25"),
    ],
)

CORPUS: tuple[InputCorpus, ...] = (
    UNITS,
    ORDERS,
    INSPECTIONS,
    TEST_CALLS,
    KNOWLEDGE_TASKS,
    COUNTY_RECORDS,
    INTERFACE_PROBES,
    COUNTY_ASSESSMENTS,
    APPEALS,
)
CORPUS_BY_INPUT = {c.input: c for c in CORPUS}


# ------------------------------------------------------------------------------------------------
# writing files


def write_table(path: Path, columns: list[str], rows: list[dict[str, str]], fmt: str) -> Path:
    """Every cell as text, an empty cell empty, in the given format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[row.get(c, "") for c in columns] for row in rows])
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    elif fmt == "xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) or None for c in columns])
        workbook.save(path)
    elif fmt == "parquet":
        table = pa.table({c: pa.array([row.get(c) or None for row in rows], pa.string()) for c in columns})
        pq.write_table(table, path)
    else:
        raise ValueError(fmt)
    return path


def write_corpus(landing: Path, month: str = MONTH) -> dict[str, Path]:
    """The corpus as landing files: units at the landing root, the other inputs in the month folder."""
    written = {}
    for corpus in CORPUS:
        folder = landing if corpus.input == "units" else landing / month
        path = folder / f"{corpus.input}.{corpus.format}"
        written[corpus.input] = write_table(path, corpus.columns, corpus.rows(), corpus.format)
    return written


# ------------------------------------------------------------------------------------------------
# files that cannot be read at all


def _truncated_xlsx(path: Path) -> None:
    write_table(path, ["record"], [{"record": "x"}] * 50, "xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_parquet(path: Path) -> None:
    write_table(path, ["call_id"], [{"call_id": f"T{i}"} for i in range(50)], "parquet")
    path.write_bytes(path.read_bytes()[:-20])


@dataclass(frozen=True)
class FileCase:
    name: str
    input: str
    file_name: str
    write: Callable[[Path], None]
    #: part of the loader's problem description (the message also names the file and the fix)
    problem: str


FILE_CASES: tuple[FileCase, ...] = (
    FileCase("empty file", "orders", "orders.csv", lambda p: p.write_bytes(b""), "the file is empty"),
    FileCase(
        "truncated xlsx", "inspections", "inspections.xlsx", _truncated_xlsx, "not a readable xlsx workbook"
    ),
    FileCase(
        "corrupt xlsx (not a zip)",
        "interface_probes",
        "interface_probes.xlsx",
        lambda p: p.write_text("county_code,probed_at\n"),
        "not a readable xlsx workbook",
    ),
    FileCase(
        "truncated parquet",
        "test_calls",
        "test_calls.parquet",
        _truncated_parquet,
        "not a readable parquet file",
    ),
    FileCase(
        "corrupt parquet",
        "county_assessments",
        "county_assessments.parquet",
        lambda p: p.write_bytes(b"PAR1" + b"\x00garbage" * 10 + b"PAR1"),
        "not a readable parquet file",
    ),
    FileCase(
        "undecodable bytes",
        "knowledge_tasks",
        "knowledge_tasks.csv",
        lambda p: p.write_bytes(b"task_id,unit_code,due_at,submitted_at\nK1,\xff\xfe\x80,x,\n"),
        "undecodable bytes",
    ),
    FileCase(
        "missing required column",
        "county_records",
        "county_records.csv",
        lambda p: p.write_text("record_id,county_code\nR1,LYG01\n", encoding="utf-8"),
        "status",
    ),
    FileCase(
        "appeals with Chinese headers, a required column missing",
        "appeals",
        "appeals.csv",
        lambda p: p.write_text("申诉编号,工单编号,申诉单位编码\nA1,O1,C01\n", encoding="utf-8"),
        "'decision' (审核结果)",
    ),
)
