"""A whole month (through `hotline run --verbose`, in-process) whose exports carry the faults that must
be named, not guessed (issue 8, points 3, 4, 5, 6 and 8):

- orders.csv: Excel saved every 工单编号 as `2.02102E+12` (all ids collide);
- inspections.csv: GB18030 with UTF-8 rows appended from data row 40 (line 41);
- test_calls.ods: a file named like an input in a format the loader does not read;
- knowledge_tasks.xlsx: no header row at all.

Expected: the run fails; the terminal's failure lines start with the product's messages — each file
with its problem and fix, the id rule with an example value, the cause and the fix — then where the
full log is; tracebacks only after those (asked for with --verbose), and in the log. `hotline
check` reports the same without touching the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.demo.generator import generate_month
from pipelines.run_report import failure_lines
from pipelines.runner import RunOutcome
from tests.exports.faults import MONTH, SCALE, environment, read_csv, with_encoding_change, write_csv

pytestmark = pytest.mark.slow


def _make_faulty(folder: Path) -> dict[str, object]:
    encoding, header, rows = read_csv(folder / "orders.csv")
    position = header.index("工单编号")
    for row in rows:
        row[position] = "2.02102E+12"
    write_csv(folder / "orders.csv", header, rows, encoding, lineterminator="\n")
    orders = len(rows)
    changed_line = with_encoding_change(folder / "inspections.csv", from_row=40)
    (folder / "test_calls.csv").rename(folder / "test_calls.ods")
    _, _, tasks = read_csv(folder / "knowledge_tasks.csv")
    (folder / "knowledge_tasks.csv").unlink()
    workbook = openpyxl.Workbook()
    for row in tasks:
        workbook.active.append(row)
    workbook.save(folder / "knowledge_tasks.xlsx")
    return {"changed_line": changed_line, "orders": orders}


@pytest.fixture(scope="module")
def failed_month(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("unreadable")
    generate_month(MONTH, root / "landing", scale=SCALE)
    facts = _make_faulty(root / "landing" / MONTH)
    with environment(root):
        check = CliRunner().invoke(main, ["check", "--month", MONTH])
        result = CliRunner().invoke(main, ["run", "--month", MONTH, "--verbose"])
    return root, result, check, facts


def _failure_block(result) -> list[str]:
    lines = result.stderr.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("error:")) :]


def test_the_run_fails(failed_month):
    assert failed_month[1].exit_code == 1


def test_the_failure_starts_with_the_messages_then_the_log_then_tracebacks(failed_month):
    root, result, _, _ = failed_month
    block = _failure_block(result)
    assert block[0].startswith("error: ")
    end = next(i for i, line in enumerate(block) if line.startswith(f"the run for {MONTH} failed"))
    assert all(line.startswith(("error: ", "  ")) for line in block[:end]), block[:end]
    log = next((root / "logs").glob(f"{MONTH}-*.log"))
    assert f"full log: {log}" in block[end]
    trace = 'File "'  # a stack frame of Dagster's error text
    assert trace not in "\n".join(block[:end])
    assert trace in "\n".join(block[end:]) and "Stack Trace:" in "\n".join(block[end:])  # --verbose
    assert trace in log.read_text(encoding="utf-8")
    assert trace not in result.stdout


def test_two_encodings_name_the_file_the_line_and_the_fix(failed_month):
    root, result, _, facts = failed_month
    path = root / "landing" / MONTH / "inspections.csv"
    line = facts["changed_line"]
    expected = f"error: {path}: two encodings in one file: lines 1–{line - 1} are "
    message = next(m for m in _failure_block(result) if m.startswith(f"error: {path}"))
    assert message.startswith(expected), message
    assert f"but line {line} is" in message
    assert "Fix: export the whole table again in one go" in message


def test_an_unread_extension_is_named(failed_month):
    root, result, _, _ = failed_month
    path = root / "landing" / MONTH / "test_calls.ods"
    message = next(m for m in _failure_block(result) if m.startswith(f"error: {path}"))
    assert "does not read '.ods' files" in message and "test_calls.xlsx" in message


def test_a_missing_header_names_the_rows_looked_at(failed_month):
    root, result, _, _ = failed_month
    path = root / "landing" / MONTH / "knowledge_tasks.xlsx"
    message = next(m for m in _failure_block(result) if m.startswith(f"error: {path}"))
    assert "no header row found: none of the first 20 non-blank rows" in message
    assert "row 1: '" in message and "row 2: '" in message
    assert "Fix: export the table with its header row" in message


def test_scientific_ids_name_the_rule_an_example_the_cause_and_the_fix(failed_month):
    _, result, _, facts = failed_month
    block = "\n".join(_failure_block(result))
    assert "no accepted row of orders" in block
    rule = f"orders: rule order_id.unique: {facts['orders']} rows quarantined, e.g. row 1"
    rule += " (order_id '2.02102E+12')"
    assert rule in block
    assert "order_id '2.02102E+12'" in block
    assert "cause: the order_id values look like Excel's scientific notation" in block
    assert "fix: format the id column as text in Excel" in block


def test_the_preflight_reports_the_same_without_a_warehouse(failed_month):
    root, _, check, _ = failed_month
    assert check.exit_code == 1
    output = check.output
    for name in ("inspections.csv", "test_calls.ods", "knowledge_tasks.xlsx"):
        assert f"error: {root / 'landing' / MONTH / name}:" in output
    assert "order_id '2.02102E+12'" in output and "scientific notation" in output
    assert f"{MONTH} would not publish:" in output


def test_without_verbose_no_traceback_reaches_the_terminal(tmp_path: Path):
    outcome = RunOutcome(
        month=MONTH,
        run_id="r1",
        success=False,
        failures=["raw__orders: /x/orders.csv: the file is empty. Fix: export it again."],
        tracebacks=["raw__orders:\nStack Trace:\n  File \"x.py\", line 1"],
    )
    lines = failure_lines(outcome, tmp_path / "run.log", verbose=False)
    assert lines[0] == "error: /x/orders.csv: the file is empty. Fix: export it again."
    assert lines[1] == f"the run for {MONTH} failed (run r1); full log: {tmp_path / 'run.log'}"
    assert not any("Stack Trace" in line for line in lines)
    assert any("Stack Trace" in line for line in failure_lines(outcome, tmp_path / "run.log", verbose=True))
