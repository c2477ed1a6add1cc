"""The rulebook: every number of the evaluation standard, versioned by the month it takes effect.

`config/rulebook.yaml` is the one human-edited file (its header documents the format). This package
loads and validates it (`load_rulebook`, errors are `RulebookError` naming the file, the version and
the field), picks the version in force for a month (`version_for_month`) and writes that version's
numbers, time limits and texts into the warehouse (`write_rulebook_for_month`), where the dbt
scoring models read them.
"""

from pipelines.rulebook.loader import (
    ITEM_SPECS,
    SECTIONS,
    Rulebook,
    RulebookError,
    RulebookVersion,
    load_rulebook,
    version_for_month,
)
from pipelines.rulebook.warehouse import write_rulebook_for_month

__all__ = [
    "ITEM_SPECS",
    "SECTIONS",
    "Rulebook",
    "RulebookError",
    "RulebookVersion",
    "load_rulebook",
    "version_for_month",
    "write_rulebook_for_month",
]
