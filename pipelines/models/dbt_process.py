"""Stop the dbt process when the step that streams its events fails.

dagster-dbt forwards an interrupt (a run terminated from the UI) to dbt, but any other failure
while its events are streamed (an exception in the step, the step's generator closed) leaves the
dbt subprocess running without its parent: it keeps the DuckDB file locked, so the alerts after
the run, the next run and any notebook fail on the lock until that orphan finishes its build.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterable, Iterator
from typing import TypeVar

#: seconds dbt gets to cancel its queries and exit after SIGINT before it is killed
DBT_STOP_GRACE_SECONDS = 10.0

T = TypeVar("T")


def stop_process(process: subprocess.Popen, grace_seconds: float = DBT_STOP_GRACE_SECONDS) -> None:
    """SIGINT `process` (dbt cancels and exits), SIGKILL it after `grace_seconds`; wait for it.

    Does nothing when the process has already exited.
    """
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def stop_on_failure(
    events: Iterable[T], process: subprocess.Popen, grace_seconds: float = DBT_STOP_GRACE_SECONDS
) -> Iterator[T]:
    """`events` as they come; when iterating them fails or the consumer stops early (an exception
    thrown in, the generator closed), `process` is stopped first, then the error goes on."""
    try:
        yield from events
    except BaseException:
        stop_process(process, grace_seconds)
        raise
