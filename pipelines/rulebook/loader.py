"""Load and validate `config/rulebook.yaml` (format: the header of that file).

The file is validated in two steps: the pydantic models below (`RulebookDocument`) check every key
and value of every version as written (types, ranges, known items, parameters, groups, dispatch
levels, categories); then the versions are merged oldest first (a later version inherits what it
omits) and the merged versions are checked for completeness and consistency (the first version
lists every item, floor <= weight). Every error is a `RulebookError` naming the file, the version,
the key and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, ValidationError, create_model

from pipelines.config_errors import describe, dotted
from pipelines.contract import CATEGORIES, DISPATCH_LEVELS, RANKED_GROUPS
from pipelines.months import Month, MonthKey


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
#: raw.rulebook_params.value is decimal(18,6)
MAX_DECIMALS = 6
#: parameters that are percentages 0-100
PERCENT_PARAMS = ("target", "city_target", "province_target")
#: what each parameter means, the fix shown with an error on it
PARAM_HINTS = {
    "weight": "the item's full points, a number >= 0",
    "target": "a rate target in percent 0-100 (e.g. 95)",
    "city_target": "the 市派 satisfaction target in percent 0-100 (e.g. 95)",
    "province_target": "the 省派 satisfaction target in percent 0-100 (e.g. 98)",
    "k": "points deducted per percentage point below the target, a number >= 0 (e.g. 0.5)",
    "floor": "the lowest points of the item, a number >= 0 and <= weight",
    "per": "points deducted per case, a number >= 0",
    "min_chars": "the minimum characters of a complete content, a whole number (e.g. 15)",
    "max_delay_hours": "the hours within which a record counts as timely (e.g. 24)",
    "per_order": "points per order above the threshold (e.g. 0.001)",
    "threshold": "orders not counted for the bonus (e.g. 100)",
    "max": "the most points of the block or bonus, a number >= 0",
}


def _number(value: Any) -> Any:
    """A rulebook number: a finite Decimal >= 0 with at most MAX_DECIMALS decimal places."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"must be a number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"must be a number, got {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"must be a finite number, got {value!r}")
    if number < 0:
        raise ValueError(f"must be >= 0, got {value}")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise ValueError(f"at most {MAX_DECIMALS} decimal places, got {value}")
    return number


def _percent(value: Any) -> Any:
    number = _number(value)
    if number > 100:
        raise ValueError(f"a rate target is a percentage 0-100, got {value}")
    return number


def _named(what: str, example: str) -> Any:
    def check(value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"the {what} is missing (e.g. {example})")
        return value.strip()

    return BeforeValidator(check)


Number = Annotated[Decimal, BeforeValidator(_number)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
WorkingDays = Annotated[StrictInt, Field(ge=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _item_model(name: str, spec: ItemSpec) -> type[BaseModel]:
    """One item as a version writes it: every parameter optional (a later version inherits)."""
    fields: dict[str, Any] = {
        "shape": (
            Literal[spec.shape] | None,  # type: ignore[valid-type]
            Field(None, description=f"{spec.shape!r}: fixed by the scoring models (or leave it out)"),
        )
    }
    for param in spec.params:
        kind = Percent if param in PERCENT_PARAMS else Number
        fields[param] = (kind | None, Field(None, description=PARAM_HINTS.get(param)))
    return create_model(f"Item {name}", __base__=_Strict, **fields)


def _section_model(section: str, items: dict[str, ItemSpec]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_item_model(name, spec) | None, Field(None, description=f"{{{', '.join(spec.params)}}}"))
        for name, spec in items.items()
    }
    return create_model(f"Section {section}", __base__=_Strict, **fields)


_SECTION_MODELS = {section: _section_model(section, items) for section, items in SECTIONS.items()}
GroupName = Literal[RANKED_GROUPS]  # type: ignore[valid-type]
TimeLimits = dict[
    Literal[TIME_LIMIT_KINDS],  # type: ignore[valid-type]
    dict[Literal[DISPATCH_LEVELS], dict[Literal[CATEGORIES], WorkingDays]],  # type: ignore[valid-type]
]

VersionDocument = create_model(
    "VersionDocument",
    __base__=_Strict,
    effective_from=(
        MonthKey,
        Field(description="the month the version takes effect from, YYYY-MM (e.g. 2021-01)"),
    ),
    standard=(
        Annotated[str, _named("evaluation standard's name", "《…绩效评估标准》")] | None,
        Field(None, description="the evaluation standard's name, quoted in the bulletin"),
    ),
    group_full_marks=(
        dict[GroupName, Number] | None,
        Field(None, description=f"考评组 → full marks (e.g. 县区: 150); groups: {', '.join(RANKED_GROUPS)}"),
    ),
    **{
        section: (model | None, Field(None, description=f"items: {', '.join(SECTIONS[section])}"))
        for section, model in _SECTION_MODELS.items()
    },
    time_limits=(
        TimeLimits | None,
        Field(
            None,
            description="kind (sign|complete) → dispatch level (市派|省派) → category → working days, "
            "a whole number >= 1",
        ),
    ),
)


class RulebookDocument(_Strict):
    """The file as written (versions not yet merged)."""

    #: month YYYY-MM → holiday name (春节)
    holiday_months: dict[MonthKey, Annotated[str, _named("holiday's name", "春节")]] = Field(
        default_factory=dict, description="month YYYY-MM → holiday name, e.g. 2021-02: 春节"
    )
    versions: list[VersionDocument] = Field(  # type: ignore[valid-type]
        min_length=1, description="a non-empty list of versions, each with its effective_from"
    )


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


def _version_name(raw_versions: Any, index: int) -> str:
    """`version 2021-01` when its effective_from is a month, else `version #1` (position in the file)."""
    try:
        return f"version {Month.parse(raw_versions[index]['effective_from']).key}"
    except (ValueError, TypeError, KeyError, IndexError):
        return f"version #{index + 1}"


def _hint(error: dict[str, Any]) -> str | None:
    """An unknown item that belongs in another section says which."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" and len(loc) == 4 and loc[2] in SECTIONS:
        other = ITEM_SPECS.get(str(loc[3]))
        if other is not None:
            return f"it belongs in {other.section}: move it there"
        return f"known items of {loc[2]}: {', '.join(SECTIONS[str(loc[2])])}"
    return None


def parse_rulebook(document: Any, path: str | Path = "<rulebook>") -> Rulebook:
    """Validate an already parsed YAML document (see load_rulebook)."""
    path = Path(path)
    if not isinstance(document, dict):
        raise RulebookError(
            f"{path}: expected a mapping with a list `versions` at the top level. Fix: start the file "
            "with `versions:` (see the header of config/rulebook.yaml)"
        )
    raw_versions = document.get("versions")

    def name(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == "versions" and isinstance(loc[1], int):
            rest = dotted(loc[2:])
            version = _version_name(raw_versions, loc[1])
            return version if rest == "(top level)" else f"{version}: {rest}"
        return dotted(loc)

    try:
        parsed = RulebookDocument.model_validate(document)
    except ValidationError as error:
        raise RulebookError(describe(error, path, RulebookDocument, name=name, hint=_hint)) from None

    seen: dict[str, int] = {}
    for position, version in enumerate(parsed.versions, start=1):
        if version.effective_from in seen:
            raise RulebookError(
                f"{path}: version {version.effective_from}: duplicate version: effective_from "
                f"{version.effective_from} appears in versions #{seen[version.effective_from]} and "
                f"#{position}. Fix: each month may start one version only; merge the two"
            )
        seen[version.effective_from] = position

    versions: list[RulebookVersion] = []
    previous: RulebookVersion | None = None
    for version in sorted(parsed.versions, key=lambda v: v.effective_from):
        previous = _build_version(version, previous, f"{path}: version {version.effective_from}")
        versions.append(previous)
    return Rulebook(path=path, versions=tuple(versions), holiday_months=dict(parsed.holiday_months))


def version_for_month(rulebook: Rulebook, month: str) -> RulebookVersion:
    """The newest version with effective_from <= month (YYYY-MM)."""
    try:
        month = Month.parse(month).key
    except ValueError as error:
        raise RulebookError(f"{rulebook.path}: {error}") from None
    in_force = [v for v in rulebook.versions if v.effective_from <= month]
    if not in_force:
        raise RulebookError(
            f"{rulebook.path}: no rulebook version in force for {month}: the oldest version takes effect "
            f"from {rulebook.versions[0].effective_from}; add a version with an earlier effective_from"
        )
    return in_force[-1]


# --- merging a version onto the one before ---------------------------------------------------------


def _given(model: BaseModel | None) -> dict[str, Any]:
    """The fields a version wrote (None: left out, inherited)."""
    return {} if model is None else {key: value for key, value in model if value is not None}


def _build_version(raw: Any, previous: RulebookVersion | None, where: str) -> RulebookVersion:
    first = "the first version must be complete (later versions inherit what they leave out)"
    standard = raw.standard if raw.standard is not None else previous.standard if previous else None
    if standard is None:
        raise RulebookError(f"{where}: standard: missing. Fix: add `standard:` (the evaluation standard)")

    params: dict[str, dict[str, Decimal]] = {}
    shapes: dict[str, str] = {}
    for section, items in SECTIONS.items():
        given = _given(getattr(raw, section))
        for name, spec in items.items():
            key = f"{section}.{name}"
            values = dict(previous.params[name]) if previous else {}
            if name not in given and not previous:
                raise RulebookError(
                    f"{where}: {key}: missing item. Fix: add `{name}: {{{', '.join(spec.params)}}}`; {first}"
                )
            values.update({k: v for k, v in _given(given.get(name)).items() if k != "shape"})
            for param in spec.params:
                if param not in values:
                    raise RulebookError(
                        f"{where}: {key}: missing parameter {param!r}. Fix: add {param} "
                        f"({PARAM_HINTS.get(param, 'a number')}); {first}"
                    )
            _check_item(values, f"{where}: {key}")
            params[name], shapes[name] = values, spec.shape

    marks = dict(previous.group_full_marks) if previous else {}
    marks.update(raw.group_full_marks or {})
    for group in RANKED_GROUPS:
        if group not in marks:
            raise RulebookError(
                f"{where}: group_full_marks: missing group {group!r}. Fix: add `{group}: <marks>`; {first}"
            )

    limits = dict(previous.time_limits) if previous else {}
    for kind, levels in (raw.time_limits or {}).items():
        for level, categories in levels.items():
            for category, days in categories.items():
                limits[(kind, level, category)] = days
    for kind in TIME_LIMIT_KINDS:
        for level in DISPATCH_LEVELS:
            for category in CATEGORIES:
                if (kind, level, category) not in limits:
                    raise RulebookError(
                        f"{where}: time_limits.{kind}.{level}: missing category {category!r}. Fix: add "
                        f"`{category}: <working days>`; {first}"
                    )

    return RulebookVersion(
        effective_from=raw.effective_from,
        standard=standard,
        params=params,
        group_full_marks=marks,
        time_limits=limits,
        shapes=shapes,
    )


def _check_item(values: Mapping[str, Decimal], where: str) -> None:
    """Consistency of one merged item (a version may change weight and floor separately)."""
    floor = values.get("floor")
    for bound in ("weight", "max"):
        if floor is not None and bound in values and floor > values[bound]:
            raise RulebookError(
                f"{where}.floor: must be <= {bound} {values[bound]}, got {floor}. Fix: lower the floor "
                f"or raise the {bound}"
            )
