"""InputFileError's message and find_input_file's rules (month folder, reference table, ambiguity)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipelines.contract import INPUTS, INSPECTIONS, ORDERS, UNITS
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.locate import find_input_file


def test_error_message_names_file_problem_and_fix() -> None:
    error = InputFileError(Path("/x/2021-02/orders.csv"), "the file is empty.", "export it again")
    assert str(error) == "/x/2021-02/orders.csv: the file is empty. Fix: export it again."
    assert error.path == Path("/x/2021-02/orders.csv")
    assert error.problem == "the file is empty"
    assert error.fix == "export it again"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.problem, copy.fix) == (error.path, error.problem, error.fix)


def test_contract_headers_are_unambiguous() -> None:
    """Each accepted header spelling names exactly one column of its input."""
    for spec in INPUTS:
        spellings = [c.name.lower() for c in spec.columns] + [c.chinese for c in spec.columns if c.chinese]
        assert len(spellings) == len(set(spellings)), spec.name


def test_month_file_found_with_any_extension_case(landing: Path) -> None:
    (landing / "2021-02").mkdir()
    target = landing / "2021-02" / "orders.CSV"
    target.write_text("order_id\n")
    (landing / "2021-02" / "orders_old.csv").write_text("x\n")
    (landing / "2021-02" / "~$orders.xlsx").write_text("x\n")  # Excel's lock file
    assert find_input_file(landing, "2021-02", ORDERS) == target


def test_a_file_named_like_an_input_with_an_unread_extension_fails_naming_it(landing: Path) -> None:
    (landing / "2021-02").mkdir()
    (landing / "2021-02" / "orders.csv").write_text("order_id\n")
    stray = landing / "2021-02" / "inspections.ods"
    stray.write_text("x\n")
    with pytest.raises(InputFileError) as caught:
        find_input_file(landing, "2021-02", INSPECTIONS)
    assert caught.value.path == stray
    assert "does not read '.ods' files" in str(caught.value)
    assert "inspections.xlsx" in caught.value.fix


def test_missing_optional_input_is_none(landing: Path) -> None:
    assert find_input_file(landing, "2021-02", INSPECTIONS) is None
    (landing / "2021-02").mkdir()
    assert find_input_file(landing, "2021-02", INSPECTIONS) is None


def test_missing_required_input_names_expected_paths(landing: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        find_input_file(landing, "2021-02", ORDERS)
    message = str(caught.value)
    assert f"{landing}/2021-02/orders.{{csv,xlsx,xls,parquet}}" in message
    assert "required input 'orders'" in message
    assert "Fix: put the export in" in message


def test_units_month_copy_wins_over_landing_copy(landing: Path) -> None:
    root_copy = landing / "units.csv"
    root_copy.write_text("unit_code\n")
    assert find_input_file(landing, "2021-02", UNITS) == root_copy
    (landing / "2021-03").mkdir()
    month_copy = landing / "2021-03" / "units.xlsx"
    month_copy.write_bytes(b"")
    assert find_input_file(landing, "2021-03", UNITS) == month_copy


def test_missing_units_names_both_places(landing: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        find_input_file(landing, "2021-02", UNITS)
    message = str(caught.value)
    assert f"{landing}/2021-02/units.{{csv,xlsx,xls,parquet}}" in message
    assert f"{landing}/units.{{csv,xlsx,xls,parquet}}" in message


def test_two_files_of_one_input_are_ambiguous(landing: Path) -> None:
    folder = landing / "2021-02"
    folder.mkdir()
    (folder / "orders.csv").write_text("order_id\n")
    (folder / "orders.xlsx").write_bytes(b"")
    with pytest.raises(InputFileError) as caught:
        find_input_file(landing, "2021-02", ORDERS)
    message = str(caught.value)
    assert "orders.csv, orders.xlsx" in message
    assert "ambiguous" in message
    assert "Fix: keep exactly one of orders.csv, orders.xlsx" in message


def test_bad_month_key_is_refused(landing: Path) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        find_input_file(landing, "2021-2", ORDERS)
