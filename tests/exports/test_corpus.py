"""Every file of the corpus of faulty exports (tests/exports/corpus) gets the outcome written next to it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from pipelines.contract import INPUTS_BY_NAME
from pipelines.ingest import InputFileError, find_input_file, load_month_input
from pipelines.month_check import check_month, report_lines

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
MONTH = "2021-02"
UNITS_CSV = "unit_code,unit_name,unit_group\nU01,城管局,县区\nU02,水务局,县区\n"


def test_every_corpus_file_has_an_expected_outcome_and_the_reverse():
    files = {p.name for p in CORPUS.iterdir() if "__" in p.name}
    assert files == set(EXPECTED)
    assert all({"fault", "source"} <= set(case) for case in EXPECTED.values())


def _landing(tmp_path: Path, name: str) -> tuple[Path, str]:
    input_name = name.split("__")[0]
    folder = tmp_path / "landing" / MONTH
    folder.mkdir(parents=True)
    shutil.copy(CORPUS / name, folder / f"{input_name}{Path(name).suffix}")
    if input_name != "units":
        (tmp_path / "landing" / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    return tmp_path / "landing", input_name


def _stored(con: duckdb.DuckDBPyConnection, input_name: str) -> list[dict[str, Any]]:
    cursor = con.execute(f"select * from raw.{input_name} where month = ? order by source_row", [MONTH])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _text(value: Any) -> str:
    return str(value)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str, tmp_path: Path):
    expected = EXPECTED[name]
    landing, input_name = _landing(tmp_path, name)
    if "check" in expected:
        report = "\n".join(report_lines(check_month(landing, MONTH, "salt")))
        for part in expected["check"]:
            assert part in report, report
        return
    spec = INPUTS_BY_NAME[input_name]
    con = duckdb.connect()
    if "error" in expected:
        with pytest.raises(InputFileError) as caught:
            load_month_input(con, spec, find_input_file(landing, MONTH, spec), MONTH, "salt")
        message = str(caught.value)
        assert message.startswith(str(landing / MONTH / input_name)), message
        for part in expected["error"]:
            assert part in message, message
        return
    path = find_input_file(landing, MONTH, spec)
    summary = load_month_input(con, spec, path, MONTH, "salt")
    rows = _stored(con, input_name)
    assert summary.rows_read == len(rows) == expected["rows"]
    assert all(row["load_errors"] is None for row in rows), [r["load_errors"] for r in rows]
    for number, values in expected.get("values", {}).items():
        stored = rows[number - 1]
        assert {column: _text(stored[column]) for column in values} == {c: str(v) for c, v in values.items()}
    assert summary.header_row == expected.get("header_row", 1)
    assert len(summary.skipped_rows) == expected.get("skipped", 0)
    if "note" in expected:
        assert any(expected["note"] in note for note in summary.notes), summary.notes
    else:
        assert summary.notes == ()
