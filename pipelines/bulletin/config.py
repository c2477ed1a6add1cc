"""Publication settings of the bulletin (config/bulletin.yaml): names, issue numbering, dates.

Everything a center words differently lives here; the figures come from the warehouse. The
evaluation standard quoted in the opening paragraph is not a setting: it is a rulebook text
(`raw.rulebook_texts`, key `standard`), so a re-run of an old month quotes the old standard.

The file is validated by the pydantic models below (`BulletinSettings`); a wrong value raises
`BulletinConfigError` naming the file, the key and the fix (pipelines/config_errors.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
)

from pipelines.config_errors import describe
from pipelines.contract import RANKED_GROUPS
from pipelines.months import Month, MonthKey

#: how a group's paragraph in section 一 reads: every unit's score (scores) or a count of the units
#: at or above the handling items' full marks and the lowest three explained (summary)
GROUP_STYLES = ("scores", "summary")


class BulletinConfigError(ValueError):
    """config/bulletin.yaml is missing, unreadable or has a wrong value; the message says which."""


def _text(value: Any) -> Any:
    """A wording: numbers are read as text (hotline_name: 12345), blanks stripped, never empty."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("must be a non-empty text")
        return value.strip()
    return value


Text = Annotated[str, BeforeValidator(_text)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupText(_Section):
    heading: Text = Field(description="the group's heading in section 一, e.g. 各县、赣榆区")
    table_caption: Text = Field(description="the caption of the group's ranking table")
    style: Literal["scores", "summary"] = Field(
        "scores", description="scores (every unit's score) or summary (counts, lowest three explained)"
    )


class IssueStart(_Section):
    month: MonthKey = Field(description='the month of a known issue, quoted: month: "2021-01"')
    number: Annotated[StrictInt, Field(ge=1, le=10000)] = Field(
        description="that month's issue number (第 N 期), a whole number from 1 to 10000"
    )


class IssueNumbering(_Section):
    """`第 N 期`: `start.month` is issue `start.number`; every month adds `per_month` issues (the
    center's other bulletins of the series included); each January after the start year restarts
    the count at 1 (when `restart_each_year`, the usual 期号 of a yearly series)."""

    start: IssueStart = Field(description='start: {month: "2021-01", number: 3}')
    per_month: Annotated[StrictInt, Field(ge=1, le=31)] = Field(
        1, description="issues the center publishes a month, a whole number from 1 to 31"
    )
    restart_each_year: StrictBool = Field(True, description="true or false")

    @property
    def start_month(self) -> str:
        return self.start.month

    @property
    def start_number(self) -> int:
        return self.start.number

    def number(self, month: str) -> int:
        evaluated, start = Month.parse(month), Month.parse(self.start.month)
        if self.restart_each_year and evaluated.year != start.year:
            issue = 1 + self.per_month * (evaluated.number - 1)
        else:
            issue = self.start.number + self.per_month * evaluated.months_since(start)
        if issue < 1:
            raise BulletinConfigError(
                f"issue.start: {month} would be issue {issue} (the count starts at {self.start.month} "
                f"= {self.start.number}); move issue.start to an earlier month"
            )
        return issue


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from None
    return value


class Publication(_Section):
    day_of_next_month: Annotated[StrictInt, Field(ge=1, le=28)] = Field(
        description="the day of month M+1 printed as the publication date, a whole number from 1 to 28"
    )
    overrides: dict[MonthKey, Annotated[dt.date, BeforeValidator(_date)]] = Field(
        default_factory=dict, description='month → date, e.g. "2021-02": 2021-03-15'
    )

    @field_validator("overrides", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


class BulletinSettings(_Section):
    """The whole file. `path` is the file it was read from (for messages)."""

    #: header line, e.g. `连云港市 12345 政府公共服务中心`
    center_name: Text = Field(description="the header line, e.g. 连云港市 12345 政府公共服务中心")
    #: subject of the opening paragraph, e.g. `市 12345 政府公共服务中心`
    center_short_name: Text = Field(
        description="the opening paragraph's subject, e.g. 市 12345 政府公共服务中心"
    )
    #: e.g. `市 12345在线平台` (title and section 二)
    platform_name: Text = Field(description="the platform in the title and section 二, e.g. 市 12345在线平台")
    #: e.g. `省 12345平台` (section 三)
    province_platform_name: Text = Field(description="section 三's province platform, e.g. 省 12345平台")
    #: `市`: 对市各成员单位…, 本月市各成员单位中…
    city_prefix: Text = Field(description="e.g. 市 (对市各成员单位…)")
    #: `12345`: 对市各成员单位 12345工作进行综合评价
    hotline_name: Text = Field(description='e.g. "12345"')
    #: unit_group → heading and table caption
    groups: dict[str, GroupText] = Field(
        description=f"one entry per ranked 考评组 ({', '.join(RANKED_GROUPS)}) with heading and table_caption"
    )
    issue: IssueNumbering = Field(description='issue: {start: {month: "2021-01", number: 3}, per_month: 1}')
    publication: Publication = Field(description="publication: {day_of_next_month: 15}")

    _path: Path = PrivateAttr(default=Path("config/bulletin.yaml"))

    @field_validator("groups")
    @classmethod
    def _every_ranked_group(cls, groups: dict[str, GroupText]) -> dict[str, GroupText]:
        unknown = sorted(set(groups) - set(RANKED_GROUPS))
        if unknown:
            raise ValueError(f"unknown 考评组 {unknown}; expected {list(RANKED_GROUPS)}")
        missing = [name for name in RANKED_GROUPS if name not in groups]
        if missing:
            raise ValueError(f"missing 考评组 {missing}: add its heading and table_caption")
        return groups

    @property
    def path(self) -> Path:
        return self._path

    @property
    def publication_day(self) -> int:
        return self.publication.day_of_next_month

    @property
    def publication_overrides(self) -> dict[str, dt.date]:
        return self.publication.overrides

    def group(self, unit_group: str) -> GroupText:
        if unit_group not in self.groups:
            raise BulletinConfigError(
                f"{self.path}: groups has no wording for 考评组 {unit_group!r} (ranked by the rulebook): "
                "add its heading and table_caption"
            )
        return self.groups[unit_group]

    def issue_year(self, month: str) -> int:
        """The issue line's year: the year of the evaluated month (the series runs per year of M)."""
        return _month(month).year

    def issue_number(self, month: str) -> int:
        """`第 N 期`, counted from `issue.start` (IssueNumbering)."""
        return self.issue.number(_month(month).key)

    def publication_date(self, month: str) -> dt.date:
        """The override for the month, else day `day_of_next_month` of month M+1."""
        evaluated = _month(month)
        if evaluated.key in self.publication.overrides:
            return self.publication.overrides[evaluated.key]
        following = evaluated.next
        return dt.date(following.year, following.number, self.publication.day_of_next_month)


def _month(month: str) -> Month:
    try:
        return Month.parse(month)
    except ValueError as error:
        raise BulletinConfigError(str(error)) from None


def _hint(error: dict[str, Any]) -> str | None:
    if error["type"] == "extra_forbidden" and tuple(error["loc"]) == ("issue", "overrides"):
        return (
            "remove it: per-month overrides and offsets are gone, issues are counted from issue.start "
            "(see config/bulletin.yaml)"
        )
    return None


def parse_settings(raw: object, path: Path) -> BulletinSettings:
    """Validate an already parsed YAML document (see load_settings)."""
    if not isinstance(raw, dict):
        raise BulletinConfigError(
            f"{path}: the file must be a mapping of keys (center_name: …), got {type(raw).__name__}"
        )
    try:
        settings = BulletinSettings.model_validate(raw)
    except ValidationError as error:
        raise BulletinConfigError(describe(error, path, BulletinSettings, hint=_hint)) from None
    settings._path = Path(path)
    return settings


def load_settings(path: str | Path) -> BulletinSettings:
    """Read and validate config/bulletin.yaml; raises BulletinConfigError naming the file, key and fix."""
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
