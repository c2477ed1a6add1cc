"""Load and validate `config/rulebook.yaml` (format: the header of that file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from pipelines.contract import CATEGORIES, DISPATCH_LEVELS, RANKED_GROUPS


class RulebookError(ValueError):
    """The rulebook file is missing, unreadable or breaks a rule.

    The message names the file, the version and the field.
    """


@dataclass(frozen=True)
class ItemSpec:
    """What the scoring models expect of one item: its fixed shape and its parameters."""

    section: str
    shape: str
    params: tuple[str, ...]


def _items(section: str, specs: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, ItemSpec]:
    return {name: ItemSpec(section, shape, params) for name, (shape, params) in specs.items()}


RATE = ("weight", "target", "k", "floor")

#: section of a version → item → spec. The order is the order of the bulletin.
SECTIONS: dict[str, dict[str, ItemSpec]] = {
    "handling_items": _items(
        "handling_items",
        {
            "及时签收率": ("rate", RATE),
            "按时办结率": ("rate", RATE),
            "回访满意率": ("satisfaction", ("weight", "city_target", "province_target", "k", "floor")),
            "答复规范": ("count", ("weight", "per")),
            "首次回应率": ("rate", RATE),
            "知识储备": ("count", ("weight", "per")),
            "实例拨测": ("deduction_sum", ("weight",)),
        },
    ),
    "workload_bonus": _items(
        "workload_bonus", {"工作量加分": ("workload", ("per_order", "threshold", "max"))}
    ),
    "data_quality": _items(
        "data_quality",
        {
            "数据完整": ("proportion", ("weight",)),
            "内容完整": ("proportion", ("weight", "min_chars")),
            "扣分项": ("deduction_sum", ("weight",)),
            "工单抽检": ("count", ("weight", "per")),
            "数据及时": ("proportion", ("weight", "max_delay_hours")),
            "接口稳定性": ("rate", RATE),
            "一体化建设": ("assessed", ("weight",)),
            "数据质量总分": ("block", ("max", "floor")),
        },
    ),
    "county_platform": _items(
        "county_platform",
        {
            "县级平台按时办结": ("rate", RATE),
            "县级平台回访满意": ("rate", RATE),
            "县级平台办件": ("block", ("max", "floor")),
        },
    ),
}

#: every item by name (item names are unique across sections)
ITEM_SPECS: dict[str, ItemSpec] = {name: spec for items in SECTIONS.values() for name, spec in items.items()}

#: group full marks are stored as item 考评组, params full_marks_<group>
GROUP_ITEM = "考评组"
TIME_LIMIT_KINDS = ("sign", "complete")
TOP_LEVEL_KEYS = ("versions", "holiday_months")
VERSION_KEYS = ("effective_from", "standard", "group_full_marks", *SECTIONS, "time_limits")
MONTH_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
#: raw.rulebook_params.value is decimal(18,6)
MAX_DECIMALS = 6


@dataclass(frozen=True)
class RulebookVersion:
    """One version, complete (inherited parts filled in)."""

    effective_from: str
    standard: str
    #: item → param → value (shape excluded)
    params: dict[str, dict[str, Decimal]]
    group_full_marks: dict[str, Decimal]
    #: (kind, dispatch_level, category) → working days
    time_limits: dict[tuple[str, str, str], int]
    shapes: dict[str, str] = field(default_factory=dict)

    def param_rows(self) -> list[tuple[str, str, Decimal]]:
        """(item, param, value) for every number, the group full marks as item 考评组."""
        rows = [
            (item, param, value) for item, params in self.params.items() for param, value in params.items()
        ]
        rows += [(GROUP_ITEM, f"full_marks_{group}", marks) for group, marks in self.group_full_marks.items()]
        return rows

    def time_limit_rows(self) -> list[tuple[str, str, str, int]]:
        return [(kind, level, category, days) for (kind, level, category), days in self.time_limits.items()]

    def text_rows(self) -> list[tuple[str, str]]:
        return [("standard", self.standard)] + [
            (f"shape.{item}", shape) for item, shape in self.shapes.items()
        ]


@dataclass(frozen=True)
class Rulebook:
    path: Path
    #: oldest first
    versions: tuple[RulebookVersion, ...]
    #: month YYYY-MM → holiday name (春节): compared with earlier years' months of that holiday by
    #: the alerts' history rule (docs/alerts.md), not with the months just before
    holiday_months: dict[str, str] = field(default_factory=dict)

    @property
    def version_names(self) -> list[str]:
        return [v.effective_from for v in self.versions]


def load_rulebook(path: str | Path) -> Rulebook:
    """Read and validate the rulebook file; raises RulebookError naming the file, version and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulebookError(f"{path}: rulebook file not found (set HOTLINE_RULEBOOK or create it)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError(f"{path}: cannot read the rulebook file: {exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulebookError(f"{path}: not valid YAML: {exc}") from exc
    return parse_rulebook(document, path)


def parse_rulebook(document: Any, path: str | Path = "<rulebook>") -> Rulebook:
    """Validate an already parsed YAML document (see load_rulebook)."""
    path = Path(path)
    if not isinstance(document, dict) or "versions" not in document:
        raise RulebookError(f"{path}: expected a mapping with a list `versions` at the top level")
    unknown = sorted(set(document) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise RulebookError(
            f"{path}: unknown top-level key(s) {unknown}; allowed: {list(TOP_LEVEL_KEYS)}"
        )
    holidays = _holiday_months(document.get("holiday_months"), path)
    raw_versions = document["versions"]
    if not isinstance(raw_versions, list) or not raw_versions:
        raise RulebookError(f"{path}: `versions` must be a non-empty list of versions")

    seen: dict[str, int] = {}
    entries: list[tuple[str, dict[str, Any]]] = []
    for position, raw in enumerate(raw_versions, start=1):
        where = f"{path}: version #{position}"
        if not isinstance(raw, dict):
            raise RulebookError(f"{where}: expected a mapping, got {type(raw).__name__}")
        effective_from = _effective_from(raw.get("effective_from"), where)
        where = f"{path}: version {effective_from}"
        if effective_from in seen:
            raise RulebookError(
                f"{where}: duplicate version: effective_from {effective_from} appears in versions "
                f"#{seen[effective_from]} and #{position}; each month may start one version only"
            )
        seen[effective_from] = position
        unknown = [key for key in raw if key not in VERSION_KEYS]
        if unknown:
            raise RulebookError(f"{where}: unknown field(s) {unknown}; allowed: {list(VERSION_KEYS)}")
        entries.append((effective_from, raw))

    entries.sort(key=lambda entry: entry[0])
    versions: list[RulebookVersion] = []
    previous: RulebookVersion | None = None
    for effective_from, raw in entries:
        previous = _build_version(raw, effective_from, previous, f"{path}: version {effective_from}")
        versions.append(previous)
    return Rulebook(path=path, versions=tuple(versions), holiday_months=holidays)


def _holiday_months(value: Any, path: Path) -> dict[str, str]:
    """`holiday_months: {2021-02: 春节, ...}`: months whose volumes follow a holiday, not the season."""
    if value is None:
        return {}
    where = f"{path}: holiday_months"
    if not isinstance(value, dict):
        raise RulebookError(f"{where}: expected a mapping month → holiday name (e.g. 2021-02: 春节)")
    months: dict[str, str] = {}
    for month, name in value.items():
        if not isinstance(month, str) or not MONTH_RE.match(month.strip()):
            raise RulebookError(
                f"{where}: {month!r} is not a month YYYY-MM; write the month the holiday falls in "
                "(e.g. 2021-02: 春节)"
            )
        if not isinstance(name, str) or not name.strip():
            raise RulebookError(f"{where}.{month}: the holiday's name is missing (e.g. 春节)")
        months[month.strip()] = name.strip()
    return months

def version_for_month(rulebook: Rulebook, month: str) -> RulebookVersion:
    """The newest version with effective_from <= month (YYYY-MM)."""
    if not isinstance(month, str) or not MONTH_RE.match(month):
        raise RulebookError(f"{rulebook.path}: month must be YYYY-MM, got {month!r}")
    in_force = [v for v in rulebook.versions if v.effective_from <= month]
    if not in_force:
        raise RulebookError(
            f"{rulebook.path}: no rulebook version in force for {month}: the oldest version takes effect "
            f"from {rulebook.versions[0].effective_from}; add a version with an earlier effective_from"
        )
    return in_force[-1]


# --- validation helpers -------------------------------------------------------------------------


def _effective_from(value: Any, where: str) -> str:
    if value is None:
        raise RulebookError(f"{where}: missing field effective_from (YYYY-MM, e.g. 2021-01)")
    if not isinstance(value, str) or not MONTH_RE.match(value.strip()):
        raise RulebookError(f"{where}: effective_from must be a month YYYY-MM (e.g. 2021-01), got {value!r}")
    return value.strip()


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RulebookError(f"{where}: must be a number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RulebookError(f"{where}: must be a number, got {value!r}") from None
    if not number.is_finite():
        raise RulebookError(f"{where}: must be a finite number, got {value!r}")
    if number < 0:
        raise RulebookError(f"{where}: must be >= 0, got {value}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise RulebookError(f"{where}: at most {MAX_DECIMALS} decimal places, got {value}")
    return number


def _mapping(value: Any, where: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise RulebookError(f"{where}: expected a mapping, got {value!r}")
    return value


def _build_version(
    raw: dict[str, Any], effective_from: str, previous: RulebookVersion | None, where: str
) -> RulebookVersion:
    # standard
    standard = raw.get("standard", previous.standard if previous else None)
    if not isinstance(standard, str) or not standard.strip():
        raise RulebookError(f"{where}: standard: missing or empty (the evaluation standard's name)")
    standard = standard.strip()

    # items
    params: dict[str, dict[str, Decimal]] = {}
    shapes: dict[str, str] = {}
    for section, items in SECTIONS.items():
        given = _mapping(raw.get(section) or {}, f"{where}: {section}")
        for name in given:
            if name not in items:
                other = ITEM_SPECS.get(name)
                hint = f" (it belongs in {other.section})" if other else f"; known items: {list(items)}"
                raise RulebookError(f"{where}: {section}: unknown item {name!r}{hint}")
        for name, spec in items.items():
            field_where = f"{where}: {section}.{name}"
            inherited = dict(previous.params[name]) if previous else {}
            entry = given.get(name)
            if entry is None:
                if not previous:
                    raise RulebookError(
                        f"{field_where}: missing item (the first version must list every item)"
                    )
                params[name], shapes[name] = inherited, spec.shape
                continue
            entry = _mapping(entry, field_where)
            shape = entry.get("shape", spec.shape)
            if shape != spec.shape:
                raise RulebookError(f"{field_where}.shape: must be {spec.shape!r}, got {shape!r}")
            values = dict(inherited)
            for param, value in entry.items():
                if param == "shape":
                    continue
                if param not in spec.params:
                    raise RulebookError(
                        f"{field_where}: unknown parameter {param!r}; {name} takes {list(spec.params)}"
                    )
                values[param] = _number(value, f"{field_where}.{param}")
            for param in spec.params:
                if param not in values:
                    raise RulebookError(f"{field_where}: missing parameter {param!r}")
            _check_item(values, field_where, spec)
            params[name], shapes[name] = values, spec.shape

    # group full marks
    marks_raw = _mapping(raw.get("group_full_marks") or {}, f"{where}: group_full_marks")
    marks = dict(previous.group_full_marks) if previous else {}
    for group, value in marks_raw.items():
        if group not in RANKED_GROUPS:
            raise RulebookError(
                f"{where}: group_full_marks: unknown group {group!r}; ranked groups are {list(RANKED_GROUPS)}"
            )
        marks[group] = _number(value, f"{where}: group_full_marks.{group}")
    for group in RANKED_GROUPS:
        if group not in marks:
            raise RulebookError(f"{where}: group_full_marks: missing group {group!r}")

    # time limits
    limits_raw = _mapping(raw.get("time_limits") or {}, f"{where}: time_limits")
    limits = dict(previous.time_limits) if previous else {}
    for kind, levels in limits_raw.items():
        if kind not in TIME_LIMIT_KINDS:
            raise RulebookError(
                f"{where}: time_limits: unknown kind {kind!r}; allowed {list(TIME_LIMIT_KINDS)}"
            )
        for level, categories in _mapping(levels, f"{where}: time_limits.{kind}").items():
            if level not in DISPATCH_LEVELS:
                raise RulebookError(
                    f"{where}: time_limits.{kind}: unknown dispatch level {level!r}; "
                    f"allowed {list(DISPATCH_LEVELS)}"
                )
            for category, days in _mapping(categories, f"{where}: time_limits.{kind}.{level}").items():
                field_where = f"{where}: time_limits.{kind}.{level}.{category}"
                if category not in CATEGORIES:
                    raise RulebookError(f"{field_where}: unknown category; allowed {list(CATEGORIES)}")
                if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                    raise RulebookError(
                        f"{field_where}: working days must be a whole number >= 1, got {days!r}"
                    )
                limits[(kind, level, category)] = days
    for kind in TIME_LIMIT_KINDS:
        for level in DISPATCH_LEVELS:
            for category in CATEGORIES:
                if (kind, level, category) not in limits:
                    raise RulebookError(f"{where}: time_limits.{kind}.{level}: missing category {category!r}")

    return RulebookVersion(
        effective_from=effective_from,
        standard=standard,
        params=params,
        group_full_marks=marks,
        time_limits=limits,
        shapes=shapes,
    )


def _check_item(values: dict[str, Decimal], where: str, spec: ItemSpec) -> None:
    weight = values.get("weight")
    floor = values.get("floor")
    if weight is not None and floor is not None and floor > weight:
        raise RulebookError(f"{where}.floor: must be <= weight {weight}, got {floor}")
    if floor is not None and "max" in values and floor > values["max"]:
        raise RulebookError(f"{where}.floor: must be <= max {values['max']}, got {floor}")
    for target in ("target", "city_target", "province_target"):
        if target in values and values[target] > 100:
            raise RulebookError(
                f"{where}.{target}: a rate target is a percentage 0-100, got {values[target]}"
            )
