"""Import Great Expectations once per process, in the background, while the loads run.

The contract checks need Great Expectations (about 3.5 s to import, more on a busy machine). The
first raw asset of a run starts the import in a daemon thread; the loads that follow spend their
time in DuckDB, which releases the GIL, so the import costs the run almost nothing. A later
`import great_expectations` waits for this one (Python's per-module import locks) instead of
repeating it. This module itself imports nothing heavy.
"""

from __future__ import annotations

import importlib
import os
import threading

_warm_up_lock = threading.Lock()
_warm_up: threading.Thread | None = None


def _import_great_expectations() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for module in (
        "great_expectations",
        "great_expectations.checkpoint",
        "great_expectations.data_context.types.base",
        "pipelines.validation.gx_runner",
    ):
        importlib.import_module(module)


def warm_up_in_background() -> None:
    """Start importing Great Expectations in a daemon thread (idempotent, returns at once).

    A later `import great_expectations` in another thread waits for this import to finish rather
    than repeating it (Python's per-module import locks), so the cost is paid once per process.
    """
    global _warm_up
    with _warm_up_lock:
        if _warm_up is None:
            _warm_up = threading.Thread(target=_import_great_expectations, name="gx-import", daemon=True)
            _warm_up.start()
