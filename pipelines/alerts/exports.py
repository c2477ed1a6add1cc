"""`exports_missing`: month M's exports have not landed by the due day of M+1 (docs/alerts.md).

The exports expected are the contract's required inputs (`orders`, `units`: contract.md), plus
those named in `HOTLINE_ALERT_EXPECTED_EXPORTS` (e.g. `inspections,test_calls`). An input is there
when `hotline run` would find it (`pipelines/ingest/locate.py`: the month folder, the landing root
for units). The due day is `HOTLINE_ALERT_EXPORTS_DUE_DAY` (3, the schedule's day): from 00:00
Asia/Shanghai of that day on, a missing export raises one alert per month (key
`exports_missing|<month>`), before the scheduled run fails on it at 06:00.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.alerts.model import Alert, AlertKind, dedup_key
from pipelines.contract import FILE_EXTENSIONS, INPUTS, INPUTS_BY_NAME, InputSpec
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.locate import find_input_file
from pipelines.months import Month

TIMEZONE = "Asia/Shanghai"


def expected_exports(extra: Iterable[str] = ()) -> list[InputSpec]:
    """The required inputs and the extra ones named (unknown names raise ValueError)."""
    names = [name.strip() for name in extra if name.strip()]
    unknown = [name for name in names if name not in INPUTS_BY_NAME]
    if unknown:
        raise ValueError(
            f"HOTLINE_ALERT_EXPECTED_EXPORTS: unknown input(s) {unknown}; inputs are "
            f"{', '.join(spec.name for spec in INPUTS)}"
        )
    return [spec for spec in INPUTS if spec.required_file or spec.name in names]


def missing_exports(landing: Path, month: str, expected: Iterable[InputSpec]) -> list[str]:
    """`<name>.{csv,xlsx,parquet}` of every expected input `hotline run` would not find."""
    missing = []
    for spec in expected:
        try:
            found = find_input_file(landing, month, spec)
        except InputFileError as error:
            if "is missing" not in error.problem:
                continue  # there, but ambiguous: the run says so
            found = None
        if found is None:
            missing.append(f"{spec.name}.{{{','.join(FILE_EXTENSIONS)}}}")
    return missing


def due_at(month: str, due_day: int) -> datetime:
    """00:00 Asia/Shanghai of the due day of the month after `month`."""
    following = Month.parse(month).next
    return datetime(following.year, following.number, due_day, tzinfo=ZoneInfo(TIMEZONE))


def month_due(now: datetime, due_day: int) -> str:
    """The month whose exports are checked at `now`: the previous month of the local calendar."""
    return Month.of(now.astimezone(ZoneInfo(TIMEZONE))).previous.key


def exports_missing_alert(
    landing: Path, month: str, now: datetime, due_day: int, expected: Iterable[InputSpec]
) -> Alert | None:
    """The alert when `month`'s exports are due at `now` and some are missing, else None."""
    deadline = due_at(month, due_day)
    if now < deadline:
        return None
    missing = missing_exports(landing, month, expected)
    if not missing:
        return None
    folder = Path(landing) / month
    return Alert(
        kind=AlertKind.EXPORTS_MISSING,
        month=month,
        subject=(
            f"{month} 导出文件未到（截止 {deadline:%Y-%m-%d}）：{folder} 缺少 {'、'.join(missing)}"
        ),
        details={
            "folder": str(folder),
            "folder_exists": folder.is_dir(),
            "missing": missing,
            "due": deadline.strftime("%Y-%m-%d"),
            "fix": f"put the platform's exports of {month} in {folder}/ (units may be at the landing root)",
        },
        source={"landing": str(landing)},
        key=dedup_key(AlertKind.EXPORTS_MISSING, month),
        severity="error",
    )
