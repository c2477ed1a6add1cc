"""Publication settings of the bulletin (config/bulletin.yaml): names, issue numbering, dates.

Everything a center words differently lives here; the figures come from the warehouse. The
evaluation standard quoted in the opening paragraph is not a setting: it is a rulebook text
(`raw.rulebook_texts`, key `standard`), so a re-run of an old month quotes the old standard.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipelines.contract import RANKED_GROUPS

MONTH_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
#: how a group's paragraph in section 一 reads: every unit's score (scores) or a count of the units
#: at or above the handling items' full marks and the lowest three explained (summary)
GROUP_STYLES = ("scores", "summary")
ISSUE_KEYS = ("start", "per_month", "restart_each_year")
TEXT_KEYS = (
    "center_name",
    "center_short_name",
    "platform_name",
    "province_platform_name",
    "city_prefix",
    "hotline_name",
)
GROUP_KEYS = ("heading", "table_caption")


class BulletinConfigError(ValueError):
    """config/bulletin.yaml is missing, unreadable or has a wrong value; the message says which."""


@dataclass(frozen=True)
class GroupText:
    heading: str
    table_caption: str
    style: str = "scores"


@dataclass(frozen=True)
class IssueNumbering:
    """`第 N 期`: `start_month` is issue `start_number`; every month adds `per_month` issues (the
    center's other bulletins of the series included); each January after the start year restarts
    the count at 1 (when `restart_each_year`, the usual 期号 of a yearly series)."""

    start_month: str
    start_number: int
    per_month: int = 1
    restart_each_year: bool = True

    def number(self, month: str) -> int:
        year, number = int(month[:4]), int(month[5:])
        start_year, start_number = int(self.start_month[:4]), int(self.start_month[5:])
        if self.restart_each_year and year != start_year:
            issue = 1 + self.per_month * (number - 1)
        else:
            elapsed = (year - start_year) * 12 + number - start_number
            issue = self.start_number + self.per_month * elapsed
        if issue < 1:
            raise BulletinConfigError(
                f"issue.start: {month} would be issue {issue} (the count starts at {self.start_month} "
                f"= {self.start_number}); move issue.start to an earlier month"
            )
        return issue


@dataclass(frozen=True)
class BulletinSettings:
    path: Path
    #: header line, e.g. `连云港市 12345 政府公共服务中心`
    center_name: str
    #: subject of the opening paragraph, e.g. `市 12345 政府公共服务中心`
    center_short_name: str
    #: e.g. `市 12345在线平台` (title and section 二)
    platform_name: str
    #: e.g. `省 12345平台` (section 三)
    province_platform_name: str
    #: `市`: 对市各成员单位…, 本月市各成员单位中…
    city_prefix: str
    #: `12345`: 对市各成员单位 12345工作进行综合评价
    hotline_name: str
    #: unit_group → heading and table caption
    groups: dict[str, GroupText]
    issue: IssueNumbering
    publication_day: int
    publication_overrides: dict[str, dt.date]

    def group(self, unit_group: str) -> GroupText:
        if unit_group not in self.groups:
            raise BulletinConfigError(
                f"{self.path}: groups has no wording for 考评组 {unit_group!r} (ranked by the rulebook): "
                "add its heading and table_caption"
            )
        return self.groups[unit_group]

    def issue_year(self, month: str) -> int:
        """The issue line's year: the year of the evaluated month (the series runs per year of M)."""
        return int(_check_month(month, "month")[:4])

    def issue_number(self, month: str) -> int:
        """`第 N 期`, counted from `issue.start` (IssueNumbering)."""
        return self.issue.number(_check_month(month, "month"))

    def publication_date(self, month: str) -> dt.date:
        """The override for the month, else day `day_of_next_month` of month M+1."""
        month = _check_month(month, "month")
        if month in self.publication_overrides:
            return self.publication_overrides[month]
        year, number = int(month[:4]), int(month[5:])
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        return dt.date(year, number, self.publication_day)


def _check_month(value: object, where: str) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value):
        raise BulletinConfigError(f"{where}: {value!r} is not a month YYYY-MM (quote it in YAML)")
    return value


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BulletinConfigError(f"{where} must be a mapping, got {type(value).__name__}")
    return value


def _text(section: dict[str, Any], key: str, where: str) -> str:
    if key not in section:
        raise BulletinConfigError(f"{where}: missing key {key!r}")
    value = section[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise BulletinConfigError(f"{where}.{key} must be a non-empty text, got {value!r}")
    return value.strip()


def _int(value: object, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BulletinConfigError(f"{where} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BulletinConfigError(f"{where} must be a date YYYY-MM-DD, got {value!r}")


def _issue(issue: dict[str, Any], where: str) -> IssueNumbering:
    unknown = sorted(set(issue) - set(ISSUE_KEYS))
    if unknown:
        raise BulletinConfigError(
            f"{where}: issue has unknown key(s) {unknown} (per-month overrides and offsets are gone: "
            "issues are counted from issue.start, see config/bulletin.yaml); keys: "
            f"{list(ISSUE_KEYS)}"
        )
    start = _mapping(issue.get("start"), f"{where}: issue.start")
    restart = issue.get("restart_each_year", True)
    if not isinstance(restart, bool):
        raise BulletinConfigError(f"{where}: issue.restart_each_year must be true or false, got {restart!r}")
    return IssueNumbering(
        start_month=_check_month(start.get("month"), f"{where}: issue.start.month"),
        start_number=_int(start.get("number"), f"{where}: issue.start.number", 1, 10000),
        per_month=_int(issue.get("per_month", 1), f"{where}: issue.per_month", 1, 31),
        restart_each_year=restart,
    )


def parse_settings(raw: object, path: Path) -> BulletinSettings:
    where = str(path)
    data = _mapping(raw, where)
    texts = {key: _text(data, key, where) for key in TEXT_KEYS}

    groups_raw = _mapping(data.get("groups"), f"{where}: groups")
    unknown = sorted(set(groups_raw) - set(RANKED_GROUPS))
    if unknown:
        raise BulletinConfigError(
            f"{where}: groups has unknown 考评组 {unknown}; expected {list(RANKED_GROUPS)}"
        )
    groups: dict[str, GroupText] = {}
    for name in RANKED_GROUPS:
        if name not in groups_raw:
            raise BulletinConfigError(f"{where}: groups is missing 考评组 {name!r}")
        section = _mapping(groups_raw[name], f"{where}: groups.{name}")
        style = section.get("style", "scores")
        if style not in GROUP_STYLES:
            raise BulletinConfigError(
                f"{where}: groups.{name}.style must be one of {list(GROUP_STYLES)}, got {style!r}"
            )
        groups[name] = GroupText(
            **{key: _text(section, key, f"{where}: groups.{name}") for key in GROUP_KEYS}, style=style
        )

    issue = _issue(_mapping(data.get("issue"), f"{where}: issue"), where)

    publication = _mapping(data.get("publication"), f"{where}: publication")
    day = _int(publication.get("day_of_next_month"), f"{where}: publication.day_of_next_month", 1, 28)
    publication_overrides = {
        _check_month(month, f"{where}: publication.overrides"): _date(
            value, f"{where}: publication.overrides.{month}"
        )
        for month, value in _mapping(
            publication.get("overrides") or {}, f"{where}: publication.overrides"
        ).items()
    }

    return BulletinSettings(
        path=path,
        groups=groups,
        issue=issue,
        publication_day=day,
        publication_overrides=publication_overrides,
        **texts,
    )


def load_settings(path: str | Path) -> BulletinSettings:
    """Read and validate config/bulletin.yaml; raises BulletinConfigError naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BulletinConfigError(
            f"{path}: bulletin settings not found "
            "(set HOTLINE_BULLETIN_CONFIG or create config/bulletin.yaml)"
        ) from None
    except UnicodeDecodeError as exc:
        raise BulletinConfigError(f"{path}: not UTF-8 text ({exc})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BulletinConfigError(f"{path}: invalid YAML: {exc}") from None
    return parse_settings(raw, path)
