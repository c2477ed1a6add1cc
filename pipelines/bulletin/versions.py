"""Published versions of a month's bulletin and the corrections between them (bulletin.md, Corrections).

The files of `<output>/<YYYY-MM>/` are a version; the top folder always holds the latest. A run
whose `bulletin.json` differs from the latest version's (version n) first keeps version n's files
under `versions/<n>/`, then writes its own as version n+1, and `corrections.json` lists every
changed figure:

    {"month": "2021-02", "version": 2, "previous": 1,
     "changes": [{"path": "rankings.市级部门及单位[市住建局].score", "previous": 80.81, "current": 82.3}],
     "history": [<the same object for every version after the first, oldest first>]}

with `corrections.md`, a draft 更正说明 naming the changed scores and ranks. A run whose figures
equal the latest version's makes no version (the top files are rendered again, the versions stay).
The first publication is version 1 (no `versions/` folder yet); a month published before versions
existed is version 1 too.

Paths: keys joined with `.`; an entry of a list of units is named by its unit (`[市住建局]`, plus
`/<item>` and `/<part>` when the entries are per item), of a list of channels or categories by its
name; other lists by position (`[0]`). A list of plain values (names, ids) is one figure.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.bulletin.formatting import format_points

VERSIONS_DIR = "versions"
CORRECTIONS_JSON = "corrections.json"
CORRECTIONS_MD = "corrections.md"
JSON_NAME = "bulletin.json"
#: what a version holds: the bulletin files and these folders (charts, per-unit report cards)
VERSIONED_FILE_PREFIX = "bulletin."
VERSIONED_DIRS = ("charts", "units")


@dataclass(frozen=True)
class Change:
    path: str
    previous: Any
    current: Any

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "previous": self.previous, "current": self.current}


@dataclass(frozen=True)
class VersionOutcome:
    #: the version the top folder now holds
    version: int
    #: True when this run made that version (first publication or changed figures)
    created: bool
    #: the version it replaced (None for the first)
    previous: int | None = None
    changes: list[Change] = field(default_factory=list)
    corrections_path: Path | None = None

    @property
    def changed_figures(self) -> int:
        return len(self.changes)


# ------------------------------------------------------------------------------------------------
# comparing two bulletin.json


def _entry_name(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    name = entry.get("unit_name") or entry.get("unit_code") or entry.get("name") or entry.get("month")
    if name is None:
        return None
    parts = [str(name)]
    for key in ("item", "part", "indicator"):
        if entry.get(key) is not None:
            parts.append(str(entry[key]))
    return "/".join(parts)


def _keyed(entries: list[Any]) -> dict[str, Any] | None:
    """The entries by name, or None when they cannot all be named uniquely (then: by position)."""
    names = [_entry_name(e) for e in entries]
    if not entries or any(n is None for n in names) or len(set(names)) != len(names):
        return None
    return dict(zip(names, entries, strict=True))  # type: ignore[arg-type]


def diff_figures(previous: Any, current: Any, path: str = "") -> list[Change]:
    """Every figure that differs between two bulletin.json values, as paths (see the module doc)."""
    if isinstance(previous, dict) and isinstance(current, dict):
        changes: list[Change] = []
        for key in [*previous, *(k for k in current if k not in previous)]:
            child = f"{path}.{key}" if path else str(key)
            changes += diff_figures(previous.get(key), current.get(key), child)
        return changes
    if isinstance(previous, list) and isinstance(current, list):
        if all(not isinstance(e, dict | list) for e in [*previous, *current]):
            return [] if previous == current else [Change(path, previous, current)]
        old, new = _keyed(previous), _keyed(current)
        if old is None or new is None or (previous and not old) or (current and not new):
            old = {str(i): e for i, e in enumerate(previous)}
            new = {str(i): e for i, e in enumerate(current)}
        changes = []
        for name in [*old, *(n for n in new if n not in old)]:
            changes += diff_figures(old.get(name), new.get(name), f"{path}[{name}]")
        return changes
    if previous == current and type(previous) is type(current) or _same_number(previous, current):
        return []
    return [Change(path, previous, current)]


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool)
        and not isinstance(b, bool) and a == b
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------
# the versions on disk


def versions_dir(directory: Path) -> Path:
    return Path(directory) / VERSIONS_DIR


def latest_version(directory: Path) -> int:
    """Number of the version the top folder holds (0: nothing published yet): the earlier versions
    are kept under `versions/1 … n-1`."""
    if not (Path(directory) / JSON_NAME).is_file():
        return 0
    folder = versions_dir(directory)
    kept = (
        [int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()] if folder.is_dir() else []
    )
    return max(kept, default=0) + 1


def read_published(directory: Path) -> dict[str, Any] | None:
    """The top folder's bulletin.json (the latest published figures), or None."""
    path = Path(directory) / JSON_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _copy_version(directory: Path, number: int) -> Path:
    """Copy the top folder's bulletin files into `versions/<number>/` (replacing what is there)."""
    target = versions_dir(directory) / str(number)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for entry in sorted(Path(directory).iterdir()):
        if entry.is_file() and entry.name.startswith(VERSIONED_FILE_PREFIX):
            shutil.copy2(entry, target / entry.name)
        elif entry.is_dir() and entry.name in VERSIONED_DIRS:
            shutil.copytree(entry, target / entry.name)
    return target


@dataclass(frozen=True)
class Pending:
    """What `begin` found before the top files are replaced."""

    latest: int
    changes: list[Change] | None


def begin(directory: Path, bulletin: dict[str, Any]) -> Pending:
    """Before the top files are replaced: compare with the latest version and, when the figures
    changed, keep that version's files under `versions/<n>/`."""
    published = read_published(directory)
    latest = latest_version(directory)
    if published is None:
        return Pending(latest, None)
    changes = diff_figures(published, bulletin)
    if changes:
        _copy_version(directory, latest)
    return Pending(latest, changes)


def finish(directory: Path, month: str, pending: Pending) -> VersionOutcome:
    """After the top files are written: the version they are, and the corrections when they changed."""
    if pending.changes is None:
        return VersionOutcome(version=1, created=True)
    latest, changes = pending.latest, pending.changes
    if not changes:
        return VersionOutcome(version=latest, created=False, previous=latest - 1 if latest > 1 else None)
    version = latest + 1
    correction = {"month": month, "version": version, "previous": latest,
                  "changes": [c.as_dict() for c in changes]}  # fmt: skip
    path = Path(directory) / CORRECTIONS_JSON
    history: list[dict[str, Any]] = []
    if path.is_file():
        history = json.loads(path.read_text(encoding="utf-8")).get("history", [])
    history = [h for h in history if h.get("version") != version] + [correction]
    from pipelines.bulletin.writer import write_atomic

    write_atomic(path, json.dumps({**correction, "history": history}, ensure_ascii=False, indent=2) + "\n")
    write_atomic(Path(directory) / CORRECTIONS_MD, corrections_markdown(month, version, latest, changes))
    return VersionOutcome(
        version=version, created=True, previous=latest, changes=changes, corrections_path=path
    )


# ------------------------------------------------------------------------------------------------
# the draft 更正说明


_RANKING_PATH = re.compile(r"^rankings\.([^\[]+)\[(.+)\](?:\.(\w+))?$")


def _score_rank_changes(changes: list[Change]) -> dict[tuple[str, str], dict[str, Change]]:
    """(group, unit name) → {"score": Change, "rank": Change} from the rankings' paths.

    A unit entering or leaving a ranking is one change of the whole entry: split into both fields.
    """
    found: dict[tuple[str, str], dict[str, Change]] = {}
    for change in changes:
        match = _RANKING_PATH.match(change.path)
        if match is None:
            continue
        group, unit, field_name = match.groups()
        if field_name in ("score", "rank"):
            found.setdefault((group, unit), {})[field_name] = change
        elif field_name is None:
            for key in ("score", "rank"):
                before = change.previous.get(key) if isinstance(change.previous, dict) else None
                after = change.current.get(key) if isinstance(change.current, dict) else None
                found.setdefault((group, unit), {})[key] = Change(change.path, before, after)
    return found


def _score(value: Any) -> str:
    return "无" if value is None else f"{format_points(value)}分"


def _rank(value: Any) -> str:
    return "未排名" if value is None else f"第{value}名"


def corrections_markdown(month: str, version: int, previous: int, changes: list[Change]) -> str:
    """A draft 更正说明 for the staff to edit: the changed scores and ranks, then the other figures."""
    year, number = month[:4], int(month[5:7])
    lines = [
        f"# 关于{year}年{number}月份市12345在线平台绩效考评情况通报的更正说明",
        "",
        f"{year}年{number}月份市12345在线平台绩效考评情况通报（第{previous}版）印发后，经复核申诉及更正数据，"
        f"部分考评结果有变化（第{version}版），现更正如下：",
        "",
    ]
    units = _score_rank_changes(changes)
    index = 0
    for (group, unit), fields in units.items():
        parts = []
        if "score" in fields:
            parts.append(f"得分由{_score(fields['score'].previous)}更正为{_score(fields['score'].current)}")
        if "rank" in fields:
            parts.append(f"排名由{_rank(fields['rank'].previous)}更正为{_rank(fields['rank'].current)}")
        if parts:
            index += 1
            lines.append(f"{index}. {unit}（{group}）{'，'.join(parts)}。")
    others = [c for c in changes if not c.path.startswith("rankings.")]
    if not index:
        lines.append("各单位得分及排名无变化。")
    lines += [
        "",
        f"其他数据变化{len(others)}项（明细见 corrections.json）。" if others else "其他数据无变化。",
    ]
    lines += ["", "特此更正。", ""]
    return "\n".join(lines)
