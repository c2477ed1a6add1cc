"""Find and read the expectation suites of `expectations/` (plain JSON; no Great Expectations import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipelines.contract import INPUTS_BY_NAME
from pipelines.settings import EXPECTATIONS_DIR

#: the suite of input `orders` is `expectations/orders.json`, named `hotline.orders`
SUITE_PREFIX = "hotline."


def suite_path(input_name: str, directory: Path = EXPECTATIONS_DIR) -> Path:
    if input_name not in INPUTS_BY_NAME:
        raise KeyError(f"no input named {input_name!r} in the contract")
    return Path(directory) / f"{input_name}.json"


def load_suite(input_name: str, directory: Path = EXPECTATIONS_DIR) -> dict[str, Any]:
    """The suite of one input as the JSON dict kept in git (GX 1.x ExpectationSuite layout)."""
    path = suite_path(input_name, directory)
    try:
        suite = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: the expectation suite of '{input_name}' is missing") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    expected_name = SUITE_PREFIX + input_name
    if suite.get("name") != expected_name or suite.get("meta", {}).get("input") != input_name:
        raise ValueError(f"{path}: expected a suite named {expected_name!r} with meta.input {input_name!r}")
    return suite
