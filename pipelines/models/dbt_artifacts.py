"""Where dbt's per-invocation artifacts go, and how many are kept.

dagster-dbt gives every `dbt build` its own target folder (run_results.json, manifest, logs, the
compiled SQL: 12–13 MB a run). By default that folder is inside the checkout's
`dbt_project/target/`, whatever `--output` says, and nothing removes it. Here it goes to
`<DAGSTER_HOME>/dbt_artifacts/<step>-<run id>-<n>/`, and after each new one only the newest
`HOTLINE_DBT_ARTIFACTS_KEEP` (default 10) are kept, for debugging a recent run. Folders left in
`dbt_project/target/` by earlier versions (`dbt_models-*`) are removed the same way.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.settings import DBT_PROJECT_DIR

ARTIFACTS_FOLDER = "dbt_artifacts"
DEFAULT_KEEP = 10
#: per-invocation folders that dagster-dbt left in the checkout before this module existed
LEGACY_PATTERN = "dbt_models-*"


def artifacts_root(dagster_home: Path) -> Path:
    return dagster_home / ARTIFACTS_FOLDER


def keep_count() -> int:
    """HOTLINE_DBT_ARTIFACTS_KEEP: how many runs' dbt artifacts to keep (>= 1)."""
    value = os.environ.get("HOTLINE_DBT_ARTIFACTS_KEEP", "").strip()
    if not value:
        return DEFAULT_KEEP
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"HOTLINE_DBT_ARTIFACTS_KEEP must be a whole number >= 1, got {value!r}")
    return int(value)


def prune(folder: Path, keep: int, pattern: str = "*") -> list[Path]:
    """Remove all but the `keep` newest (by mtime) sub-folders of `folder` matching `pattern`."""
    if not folder.is_dir():
        return []
    candidates = sorted(
        (path for path in folder.glob(pattern) if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    removed = candidates[keep:]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def new_target_path(name: str, dagster_home: Path) -> Path:
    """A fresh target folder under `<dagster_home>/dbt_artifacts`; older ones beyond the keep count go."""
    root = artifacts_root(dagster_home)
    root.mkdir(parents=True, exist_ok=True)
    keep = keep_count()
    # the new folder counts as one of the kept ones
    prune(root, keep - 1)
    prune(DBT_PROJECT_DIR / "target", 0, LEGACY_PATTERN)
    return root / name
