"""Every dbt model and every column it outputs carries a description in the schema yml files.

Reads the manifest of `dbt parse` (tests/conftest.py refreshes it when the dbt sources are newer) and
never calls dbt. The output columns of a model are read off its final top-level `select ... from`
(the project's SQL style: one `select` and one `from` at column 0 close every model; a model that is a
single macro call uses the macro's body), so a column added to the SQL without a yml entry fails here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from pipelines.settings import DBT_PROJECT_DIR

MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"

#: Models without a `month` column: the calendar is not partitioned (docs/data-model.md).
UNPARTITIONED = {"stg_working_calendar"}


@cache
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


@cache
def models() -> dict[str, dict[str, Any]]:
    nodes = manifest()["nodes"].values()
    return {
        node["name"]: node
        for node in nodes
        if node["resource_type"] == "model" and node["package_name"] == "hotline_bulletin"
    }


def final_select_list(sql: str) -> str | None:
    """The text between the last `select` and the next `from` that start a line, comments removed."""
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    starts = [m.end() for m in re.finditer(r"^select\b", sql, flags=re.M)]
    if not starts:
        return None
    body = sql[starts[-1] :]
    end = re.search(r"^from\b", body, flags=re.M)
    return body[: end.start()] if end else body


def split_top_level(select_list: str) -> list[str]:
    """Split on commas outside parentheses and outside Jinja `{{ }}` / `{% %}` blocks."""
    items, depth, current, i = [], 0, [], 0
    while i < len(select_list):
        pair = select_list[i : i + 2]
        if pair in ("{{", "{%"):
            depth += 1
            current.append(pair)
            i += 2
            continue
        if pair in ("}}", "%}"):
            depth -= 1
            current.append(pair)
            i += 2
            continue
        char = select_list[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def output_name(item: str) -> str:
    """`expr as alias` → alias (a quoted alias `{{ adapter.quote('x') }}` → x); `t.col` → col."""
    quoted = re.search(r"\bas\s+\{\{\s*adapter\.quote\('(\w+)'\)\s*\}\}\s*$", item)
    if quoted:
        return quoted.group(1)
    aliased = re.search(r"\bas\s+(\w+)\s*$", item)
    if aliased:
        return aliased.group(1)
    bare = re.fullmatch(r"(?:\w+\.)?(\w+)", item)
    assert bare, f"cannot tell the output name of select item {item!r}: give it an alias"
    return bare.group(1)


def output_columns(node: dict[str, Any]) -> list[str]:
    select_list = final_select_list(node["raw_code"])
    if select_list is None:  # the model is one macro call: use the body of the macro it calls
        macros = manifest()["macros"]
        bodies = [
            macros[macro_id]["macro_sql"]
            for macro_id in node["depends_on"]["macros"]
            if macro_id.startswith("macro.hotline_bulletin.")
        ]
        lists = [found for body in bodies if (found := final_select_list(body)) is not None]
        assert len(lists) == 1, f"{node['name']}: expected one macro with a final select, got {len(lists)}"
        select_list = lists[0]
    items = split_top_level(select_list)
    assert not any(item == "*" or item.endswith(".*") for item in items), f"{node['name']}: select *"
    return [output_name(item) for item in items]


def test_manifest_lists_the_models() -> None:
    sql_files = sorted(path.stem for path in (DBT_PROJECT_DIR / "models").rglob("*.sql"))
    assert sorted(models()) == sql_files


@pytest.mark.parametrize("name", sorted(models()))
def test_model_is_documented(name: str) -> None:
    node = models()[name]
    assert node["description"].strip(), f"{name}: no model description"
    columns = node["columns"]
    undocumented = [col for col, spec in columns.items() if not spec.get("description", "").strip()]
    assert not undocumented, f"{name}: columns without a description: {undocumented}"
    if name not in UNPARTITIONED:
        assert "month" in columns, f"{name}: the `month` column is not declared"


@pytest.mark.parametrize("name", sorted(models()))
def test_declared_columns_match_the_output(name: str) -> None:
    node = models()[name]
    output = output_columns(node)
    declared = list(node["columns"])
    assert len(output) == len(set(output)), f"{name}: duplicate output columns {output}"
    undeclared = sorted(set(output) - set(declared))
    assert not undeclared, f"{name}: output columns missing from the yml: {undeclared}"
    stale = sorted(set(declared) - set(output))
    assert not stale, f"{name}: yml columns the model does not output: {stale}"
