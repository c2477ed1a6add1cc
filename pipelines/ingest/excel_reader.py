"""Read the first sheet of an Excel workbook (xlsx, or Excel 97–2003 BIFF `.xls`) with calamine.

calamine (Rust, through python-calamine) reads both formats far faster than openpyxl; cells come
back typed (text, float, datetime, bool) and are rendered as the contract's text by `cells.cell_text`.
The header may sit below title rows (`sheet_reader`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook

from pipelines.contract import InputSpec
from pipelines.ingest.errors import InputFileError, describe_exception
from pipelines.ingest.sheet_reader import NumberedRow, open_sheet_rows
from pipelines.ingest.stream import InputStream

EMPTY_FIX = "export the table with its header row in the first sheet"
CORRUPT_FIX = {
    "xlsx": "open and re-save it as .xlsx (Excel 2007 or later), or export it as CSV",
    "xls": "open and re-save it as .xlsx, or export it as CSV",
}
KIND = {"xlsx": "xlsx workbook", "xls": "Excel 97–2003 (.xls) workbook"}


def _corrupt(path: Path, kind: str, exc: BaseException, rows_before: int | None = None) -> InputFileError:
    where = "" if rows_before is None else f" (reading after data row {rows_before})"
    message = describe_exception(exc)
    if "password" in message.lower() or "encrypt" in message.lower():
        return InputFileError(path, f"the {KIND[kind]} is password-protected", "save it without a password")
    return InputFileError(
        path, f"the file is not a readable {KIND[kind]}{where}: {message}", CORRUPT_FIX[kind]
    )


def open_excel_input(path: Path, spec: InputSpec, batch_rows: int, kind: str = "xlsx") -> InputStream:
    """The first sheet of `path` (`kind` `xlsx` or `xls`, as the bytes say) as an InputStream."""
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty (0 bytes)", EMPTY_FIX)
    try:
        # from the bytes, not the extension: calamine then tells xlsx from BIFF itself
        with open(path, "rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
        names = workbook.sheet_names
        if not names:
            raise InputFileError(path, "the workbook has no worksheet", EMPTY_FIX)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except InputFileError:
        raise
    except Exception as exc:  # CalamineError, ZipError, XmlError, PasswordError…
        raise _corrupt(path, kind, exc) from exc

    def numbered() -> Iterator[NumberedRow]:
        yield from enumerate(rows, start=1)

    closed = False

    def close() -> None:  # called by the batches when done and by the stream: once is enough
        nonlocal closed
        if not closed:
            closed = True
            workbook.close()

    if sheet.height == 0:
        close()
        raise InputFileError(path, f"the first sheet '{names[0]}' is empty (no header row)", EMPTY_FIX)
    return open_sheet_rows(
        path,
        spec,
        numbered(),
        kind,
        batch_rows,
        lambda exc, before: _corrupt(path, kind, exc, before),
        close,
    )
