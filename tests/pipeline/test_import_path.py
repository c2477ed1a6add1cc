"""The demo generator is outside the import path of a run (issue 9, point 5).

A run imports the code location (`pipelines.definitions`), the CLI's `run` path (`pipelines.runner`,
`pipelines.cli`) and, inside the assets, modules of the domain packages. None of them may import
`pipelines.demo`: only `hotline generate` / `hotline demo` load it, inside the command.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pipelines

PACKAGE = Path(pipelines.__file__).resolve().parent
DEMO = "pipelines.demo"
#: the only module outside the demo package allowed to import it, and only inside these commands
LAZY_DEMO_IMPORTERS = {"cli.py": {"generate", "demo"}}


def _modules_after_import(*modules: str) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_definitions_and_the_run_path_imports_no_demo_module():
    loaded = _modules_after_import("pipelines.definitions", "pipelines.runner", "pipelines.cli")
    assert "pipelines.definitions" in loaded and "pipelines.ingest.assets" in loaded
    assert [name for name in loaded if name == DEMO or name.startswith(DEMO + ".")] == []


def _demo_imports(tree: ast.AST) -> list[tuple[int, str | None]]:
    """(line, enclosing function or None) of every import of pipelines.demo in a module."""
    found: list[tuple[int, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module:
                names = [child.module] + [f"{child.module}.{alias.name}" for alias in child.names]
            if any(name == DEMO or name.startswith(DEMO + ".") for name in names):
                found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


def test_no_runtime_module_imports_the_demo_generator_even_lazily():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "demo":
            continue
        allowed = LAZY_DEMO_IMPORTERS.get(relative.as_posix(), set())
        for line, function in _demo_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if function not in allowed:
                offenders.append(f"pipelines/{relative}:{line} (in {function or 'module level'})")
    assert offenders == []


def test_the_scan_finds_a_demo_import():
    source = "def f():\n    from pipelines.demo.generator import generate_month\nimport pipelines.demo\n"
    tree = ast.parse(source)
    assert _demo_imports(tree) == [(2, "f"), (3, None)]
