"""The one error a loader raises for a file it cannot read: it names the file, the problem and the fix."""

from __future__ import annotations

from pathlib import Path

#: longest excerpt of a library's own error message quoted in a problem description
MAX_DETAIL_CHARS = 200


class InputFileError(Exception):
    """An input file that cannot be loaded at all (as opposed to a row that breaks a rule).

    `str()` is one paragraph an operator can act on: `<file>: <problem>. Fix: <fix>.`
    Messages never quote cell values, so personal data (phone numbers, free text) cannot leak.
    """

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.problem = problem.strip().rstrip(".")
        self.fix = fix.strip().rstrip(".")
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}. Fix: {self.fix}."

    def __reduce__(self) -> tuple[type[InputFileError], tuple[Path, str, str]]:
        # keep the three attributes when the error crosses a process boundary (Dagster, pickling)
        return (type(self), (self.path, self.problem, self.fix))


def describe_exception(exc: BaseException) -> str:
    """`TypeName: first line of the message`, shortened; for wrapping a library's error."""
    lines = str(exc).strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > MAX_DETAIL_CHARS:
        message = message[: MAX_DETAIL_CHARS - 1] + "…"
    name = type(exc).__name__
    return f"{name}: {message}" if message else name
