"""Find the landing file of one input for one month (`<landing>/<YYYY-MM>/<name>.<ext>`)."""

from __future__ import annotations

from pathlib import Path

from pipelines.contract import FILE_EXTENSIONS, InputSpec
from pipelines.ingest.errors import InputFileError
from pipelines.months import check_month


def _named_like(folder: Path, name: str) -> list[Path]:
    """Files `<folder>/<name>.<anything>` (name and extension case ignored), sorted; no lock or
    hidden files (`~$orders.xlsx`, `.orders.csv`)."""
    if not folder.is_dir():
        return []
    return sorted(
        entry
        for entry in folder.iterdir()
        if entry.stem.lower() == name.lower() and entry.is_file()
    )


def _candidates(folder: Path, name: str) -> list[Path]:
    """Files `<folder>/<name>.<ext>` with a known extension; InputFileError for one the loader does
    not read (`orders.ods`, `inspections.txt`): a file named like an input is never ignored."""
    found = []
    for entry in _named_like(folder, name):
        if entry.suffix[1:].lower() not in FILE_EXTENSIONS:
            raise InputFileError(
                entry,
                f"the file is named like the input '{name}' but the loader does not read "
                f"{repr(entry.suffix) + ' files' if entry.suffix else 'files without an extension'} "
                f"(it reads {', '.join(FILE_EXTENSIONS)})",
                f"export it as {name}.csv, {name}.xlsx, {name}.xls or {name}.parquet, "
                "or move it out of the landing folder",
            )
        found.append(entry)
    return found


def _one_of(folder: Path, spec: InputSpec) -> Path | None:
    files = _candidates(folder, spec.name)
    if len(files) > 1:
        names = ", ".join(f.name for f in files)
        raise InputFileError(
            folder / spec.name,
            f"the input '{spec.name}' ({spec.title}) is there in {len(files)} files ({names}), "
            "so it is ambiguous which one to load",
            f"keep exactly one of {names} in {folder}",
        )
    return files[0] if files else None


def _expected(folder: Path, name: str) -> str:
    return f"{folder / name}.{{{','.join(FILE_EXTENSIONS)}}}"


def find_input_file(landing: Path, month: str, spec: InputSpec) -> Path | None:
    """The file to load for `spec` in `month`, or None when an optional input is absent (empty table).

    A reference input (units) is taken from the month folder when present, else from the landing
    root. Raises InputFileError when a required input is missing or when one input has files with
    two extensions.
    """
    check_month(month)
    landing = Path(landing)
    month_dir = landing / month
    found = _one_of(month_dir, spec)
    if found is None and spec.reference:
        found = _one_of(landing, spec)
    if found is not None or not spec.required_file:
        return found
    expected = _expected(month_dir, spec.name)
    if spec.reference:
        expected += f" or {_expected(landing, spec.name)}"
    where = f"{landing}/ (every month) or {month_dir}/ (this month)" if spec.reference else f"{month_dir}/"
    raise InputFileError(
        month_dir / spec.name,
        f"the required input '{spec.name}' ({spec.title}) for {month} is missing: expected {expected}",
        f"put the export in {where} as {spec.name}.csv, {spec.name}.xlsx, {spec.name}.xls "
        f"or {spec.name}.parquet",
    )
