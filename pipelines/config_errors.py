"""Turn a pydantic ValidationError on a configuration file into one message a center's staff can act on.

Every configuration file (config/rulebook.yaml, config/bulletin.yaml, the alert routing file) is
validated by pydantic models; their errors become lines of the form

    <file>: <key>: <problem>. Fix: <what to write instead>

(for a missing or unknown key, <key> is the mapping that lacks or has it). The key is dotted
(`publication.day_of_next_month`, `groups.县区.heading`), the problem is pydantic's (with the value
found), and the fix is the field's `description` (what the field holds and an
example), or, for an unknown key, the keys allowed there.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

#: names a location for a message: (loc) -> "groups.县区" (or a richer name such as "version 2021-01: x")
Namer = Callable[[tuple[int | str, ...]], str]


def dotted(loc: Sequence[int | str]) -> str:
    """`('groups', '县区', 'heading')` -> `groups.县区.heading`; list positions as `[n]` (1-based)."""
    text = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _unwrap(annotation: Any) -> Any:
    """The model, dict or list type behind Annotated[...] / X | None."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _walk(model: type[BaseModel], loc: Sequence[int | str]) -> tuple[Any, FieldInfo | None]:
    """The type found at `loc` below `model` and the last model field passed on the way."""
    current: Any = model
    field: FieldInfo | None = None
    for part in loc:
        current = _unwrap(current)
        if part == "[key]":
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = current.model_fields
            found = fields.get(str(part)) or next(
                (info for info in fields.values() if info.alias == str(part)), None
            )
            if found is None:
                return None, field
            field, current = found, found.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) in (list, tuple):
            current = typing.get_args(current)[0]
        else:
            return None, field
    return _unwrap(current), field


def allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys a mapping at `loc` may hold (a model's fields, by alias), [] when free-form."""
    parent, _ = _walk(model, loc)
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        return [info.alias or name for name, info in parent.model_fields.items()]
    return []


def _problem(error: dict[str, Any], secret: bool) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "missing":
        return f"missing key {error['loc'][-1]!r}"
    if error["type"] == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}"
    if secret:
        return message  # a secret (a robot URL carries its key): never echoed
    value = error.get("input", {})
    if "got " not in message and not isinstance(value, dict | list) and repr(value) not in message:
        message += f", got {error['input']!r}"
    return message


def _fix(model: type[BaseModel], error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        keys = allowed_keys(model, loc[:-1])
        return f"remove it or correct its spelling; allowed keys here: {', '.join(keys)}" if keys else ""
    _, field = _walk(model, loc)
    if field is None or not field.description:
        return ""
    if error["type"] == "missing":
        return f"add `{loc[-1]}`: {field.description}"
    return field.description


def describe(
    error: ValidationError,
    path: str | Path,
    model: type[BaseModel],
    name: Namer = dotted,
    hint: Callable[[dict[str, Any]], str | None] | None = None,
    hide: Sequence[str] = (),
) -> str:
    """One line per problem: `<path>: <key>: <problem>. Fix: <fix>`.

    `name` names a location (default: dotted keys); `hint` may return a better fix for an error
    (None: the field's description, or the allowed keys of an unknown key); the value of a field
    declared with `repr=False` or of a top-level key in `hide` (secrets) is never shown."""
    lines = []
    for problem in error.errors():
        fix = (hint(problem) if hint else None) or _fix(model, problem)
        loc = tuple(problem["loc"])
        if problem["type"] in ("missing", "extra_forbidden"):
            loc = loc[:-1]  # the mapping that misses or has the key
        where = f"{path}: {name(loc)}" if loc else str(path)
        _, field = _walk(model, tuple(problem["loc"]))
        hidden = bool(problem["loc"]) and problem["loc"][0] in hide
        secret = hidden or (field is not None and not field.repr)
        line = f"{where}: {_problem(problem, secret)}"
        lines.append(f"{line}. Fix: {fix}" if fix else line)
    return "\n".join(lines)
