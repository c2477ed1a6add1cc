"""Rules of the suite itself (tests/README.md), checked on the test sources.

* An import error of our own code fails: no `pytest.importorskip` of `pipelines.*` or `tests.*`
  (a third-party optional package, such as cryptography, may be skipped).
* A module that runs dbt, a Dagster materialization, `hotline run` or the shared two-month pipeline
  is marked `slow`, so that `make test-fast` leaves it out (tests/spark runs only under
  `make test-spark`); a module whose in-process run is a small job of its own is listed, with the
  reason, in FAST_IN_PROCESS.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
OWN_IMPORTORSKIP = re.compile(r"importorskip\(\s*[\"'](pipelines|tests)\b")
#: what makes a test slow: a dbt build, a Dagster run, a whole `hotline run`, the shared pipeline
SLOW_CALLS = re.compile(r"\b(dbt_build\(|materialize\(|execute_in_process\(|two_months\b)")
SLOW_MARK = "pytest.mark.slow"
#: in-process runs that stay fast: module → why (a toy job of the test's own, not the project's assets)
FAST_IN_PROCESS = {
    "pipeline/test_event_log.py": "two runs of a two-asset toy job, to read the event log back",
    "pipeline/test_resources.py": "a one-asset toy job that returns the paths its resources resolve to",
}


def _test_modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("test_*.py") if "spark" not in p.relative_to(TESTS).parts)


def test_no_importorskip_of_our_own_modules():
    offenders = [
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path != Path(__file__).resolve() and OWN_IMPORTORSKIP.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_modules_that_run_dbt_or_dagster_runs_are_marked_slow():
    unmarked = []
    for path in _test_modules():
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(TESTS).as_posix()
        if SLOW_CALLS.search(source) and SLOW_MARK not in source and name not in FAST_IN_PROCESS:
            unmarked.append(name)
    assert unmarked == []


def test_the_rules_see_a_violation():
    assert OWN_IMPORTORSKIP.search('load = pytest.importorskip("pipelines.ingest.load")')
    assert not OWN_IMPORTORSKIP.search('x509 = pytest.importorskip("cryptography.x509")')
    assert SLOW_CALLS.search("result = dg.materialize([bulletin], partition_key=MONTH)")
