"""The rulebook's numbers and groups the bulletin's wording depends on, for the month's version.

The bulletin never writes a threshold of the evaluation standard itself (rules.md, "Rulebook"):

- `excellent_score`: section 一.3 counts the units scoring at least the handling items' full marks,
  the sum of the seven handling items' `weight` (99 in the default rulebook);
- `province_target`: 回访满意率's `province_target` (98 %): section 三 lists the units below it
  (`province.units_below_98`, the key keeps its name), the province chart draws its line there;
- `ranked_groups`: the 考评组 the version gives full marks (`group_full_marks`), in the order of
  the contract's groups; `full_marks` per group.

In a run they come from the month's rows of `raw.rulebook_params` (`read_rules`), written by the
rulebook asset from the version in force; to render bulletin.json again without the warehouse,
`rules_for_version` reads the same version from the rulebook file (`rulebook_version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.contract import UNIT_GROUPS
from pipelines.rulebook import ITEM_SPECS, load_rulebook
from pipelines.rulebook.loader import GROUP_ITEM

#: the rulebook item and parameter of the province satisfaction target
SATISFACTION_ITEM, PROVINCE_TARGET_PARAM = "回访满意率", "province_target"
HANDLING_SECTION = "handling_items"
FULL_MARKS_PREFIX = "full_marks_"


class BulletinRulesError(RuntimeError):
    """The month's rulebook rows lack a number the bulletin needs; the message names it and the fix."""


@dataclass(frozen=True)
class BulletinRules:
    version: str
    #: the handling items' full marks (sum of their weights)
    excellent_score: Decimal
    #: 回访满意率 province_target, a percentage
    province_target: Decimal
    #: 考评组 with full marks, in the contract's order
    ranked_groups: tuple[str, ...]
    full_marks: dict[str, Decimal]


def handling_items() -> list[str]:
    return [name for name, spec in ITEM_SPECS.items() if spec.section == HANDLING_SECTION]


def rules_from_params(version: str, params: dict[tuple[str, str], Decimal]) -> BulletinRules:
    """From (item, param) → value, the long rows of one version."""
    items = handling_items()
    missing = [f"{item}.weight" for item in items if (item, "weight") not in params]
    if (SATISFACTION_ITEM, PROVINCE_TARGET_PARAM) not in params:
        missing.append(f"{SATISFACTION_ITEM}.{PROVINCE_TARGET_PARAM}")
    marks = {
        param[len(FULL_MARKS_PREFIX) :]: value
        for (item, param), value in params.items()
        if item == GROUP_ITEM and param.startswith(FULL_MARKS_PREFIX)
    }
    if not marks:
        missing.append(f"{GROUP_ITEM} group_full_marks")
    if missing:
        raise BulletinRulesError(
            f"rulebook version {version}: missing {', '.join(missing)} "
            "(materialize the rulebook asset for the month; the numbers live in config/rulebook.yaml)"
        )
    unknown = sorted(set(marks) - set(UNIT_GROUPS))
    if unknown:
        raise BulletinRulesError(
            f"rulebook version {version}: unknown 考评组 {unknown}; known: {list(UNIT_GROUPS)}"
        )
    groups = tuple(g for g in UNIT_GROUPS if g in marks)
    return BulletinRules(
        version=version,
        excellent_score=sum((params[(item, "weight")] for item in items), Decimal(0)),
        province_target=params[(SATISFACTION_ITEM, PROVINCE_TARGET_PARAM)],
        ranked_groups=groups,
        full_marks={g: marks[g] for g in groups},
    )


def read_rules(con: duckdb.DuckDBPyConnection, month: str) -> BulletinRules:
    """The rules of `month` from raw.rulebook_params (one version per month)."""
    rows = con.execute(
        "select version, item, param, value from raw.rulebook_params where month = ?", [month]
    ).fetchall()
    versions = sorted({str(r[0]) for r in rows})
    if len(versions) != 1:
        raise BulletinRulesError(
            f"raw.rulebook_params has {len(versions)} rulebook versions for {month} ({versions}), "
            "expected one (materialize the rulebook asset for the month)"
        )
    return rules_from_params(versions[0], {(r[1], r[2]): Decimal(str(r[3])) for r in rows})


def rules_for_version(rulebook_path: str | Path, version: str) -> BulletinRules:
    """The rules of the version `effective_from == version` of a rulebook file."""
    rulebook = load_rulebook(rulebook_path)
    for candidate in rulebook.versions:
        if candidate.effective_from == version:
            params = {(item, param): value for item, param, value in candidate.param_rows()}
            return rules_from_params(version, params)
    raise BulletinRulesError(
        f"{rulebook_path}: no rulebook version {version!r} (versions: {rulebook.version_names})"
    )
