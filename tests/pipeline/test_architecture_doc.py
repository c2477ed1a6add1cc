"""docs/architecture.md draws the month's steps in order and every path it names exists."""

from __future__ import annotations

import re

from pipelines.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "architecture.md"
STEPS = ("1. INGEST", "2. VALIDATION", "3. DBT MODELS", "4. BULLETIN", "5. ALERTS")
#: the folder each step names in its box's title
STEP_FOLDERS = {
    "1. INGEST": "pipelines/ingest/",
    "2. VALIDATION": "pipelines/validation/",
    "3. DBT MODELS": "pipelines/models/",
    "4. BULLETIN": "pipelines/bulletin/",
    "5. ALERTS": "pipelines/alerts/",
}
PATH = re.compile(r"\b((?:pipelines|dbt_project|config|expectations|docs)/[A-Za-z0-9_./-]*[A-Za-z0-9_/])")


def test_the_picture_has_the_five_steps_in_order_each_with_its_folder():
    picture = DOC.read_text(encoding="utf-8").split("```")[1]
    titles = [line for line in picture.splitlines() if line.startswith("┌─ ")]
    assert [next(s for s in STEPS if s in title) for title in titles] == list(STEPS)
    for title in titles:
        step = next(s for s in STEPS if s in title)
        assert STEP_FOLDERS[step] in title, title
        assert (PROJECT_ROOT / STEP_FOLDERS[step]).is_dir()


def test_every_path_the_doc_names_exists():
    text = DOC.read_text(encoding="utf-8")
    named = {match.rstrip("/.") for match in PATH.findall(text)}
    assert "pipelines/ingest" in named and "dbt_project/models" in named
    missing = sorted(path for path in named if not (PROJECT_ROOT / path).exists())
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"
