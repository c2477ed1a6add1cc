"""The alert sent when a published month's figures change (a new bulletin version, bulletin.md
"Corrections"): once per month and version, through the same channels, log and dedup as the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.alerts.model import Alert, AlertKind, dedup_key

#: changed paths listed in the alert (the rest: corrections.json)
LISTED_CHANGES = 10


def correction_alert(
    month: str, version: int, previous: int, changes: list[Any], corrections_path: Path | None, source: dict
) -> Alert:
    """`figures_corrected` for `month`: version `previous` → `version`, the first changed paths."""
    paths = [change.path for change in changes]
    return Alert(
        kind=AlertKind.FIGURES_CORRECTED,
        month=month,
        subject=f"{month} 已发布通报数据更正：第{previous}版 → 第{version}版，{len(paths)}项数据变化",
        details={
            "version": version,
            "previous_version": previous,
            "changed_figures": len(paths),
            "changes": paths[:LISTED_CHANGES]
            + ([f"……另有{len(paths) - LISTED_CHANGES}项"] if len(paths) > LISTED_CHANGES else []),
            "corrections": str(corrections_path) if corrections_path else None,
        },
        source=source,
        key=dedup_key(AlertKind.FIGURES_CORRECTED, month, f"v{version}"),
        severity="warning",
    )
