"""A lint of the dbt SQL for the traps of portable-sql.md, outside the dispatch macros.

Both engines accept each trap and still compute other figures (minute diffs, rounding a double)
or one of them rejects it (a one-engine function, `sum` of a boolean, a double-quoted name). Only
the implementations of a dispatched macro (`{% macro spark__x() %}`, `default__x`, `duckdb__x`, …)
may use engine-specific SQL; everything else — models, singular and generic tests, plain macros —
is scanned. Jinja is not rendered: `{{ … }}` becomes a placeholder (calls of our macros are what
the SQL should use), except that a `datediff(…, 'minute'|'hour')` inside it is still a finding.

`lint_project(dbt_project_dir)` → the findings (file, line, rule, text); `python -m
pipelines.portability.lint [dir]` prints them and exits 1 when there are any.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCANNED_FOLDERS = ("models", "macros", "tests", "analyses", "snapshots")
JINJA_PLACEHOLDER = "__jinja__"


@dataclass(frozen=True)
class Rule:
    code: str
    pattern: re.Pattern[str]
    message: str


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    rule: str
    message: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}: {self.text}"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


#: rules that look at the string literals too (a date part is a string)
RULES_SEEING_STRINGS = frozenset({"minute-hour-diff"})

#: checked on the SQL with comments, string literals and Jinja blanked out
SQL_RULES: tuple[Rule, ...] = (
    Rule(
        "minute-hour-diff",
        _rx(r"\b(date_?diff|timestampdiff|date_sub)\s*\(\s*'?(minutes?|hours?)\b"),
        "minute/hour diffs round differently per engine: diff in seconds and divide (seconds_between)",
    ),
    Rule(
        "one-engine-function",
        _rx(
            r"\b(epoch|epoch_ms|strftime|strptime|regexp_matches|quantile_cont|quantile_disc|"
            r"unix_timestamp|from_unixtime|date_format|timestampdiff|list_aggregate|array_agg)\s*\("
            r"|\b(rlike|div|regexp)\b(?!\s*_)|//"
        ),
        "a function of one engine only: wrap it in a dispatched macro (adapter.dispatch)",
    ),
    Rule(
        "double-quoted-identifier",
        _rx(r'"'),
        "Spark reads \"x\" as a string: quote a name through adapter.quote (backticks on Spark)",
    ),
    Rule(
        "ordered-string-agg",
        _rx(r"\b(string_agg|listagg|group_concat)\s*\("),
        "Spark ignores the order of string_agg: use sorted_string_agg(…)",
    ),
    Rule(
        "varchar-without-length",
        _rx(r"\bvarchar\b(?!\s*\()"),
        "Spark wants a length on varchar: use dbt.type_string()",
    ),
)

ROUND_DOUBLE = Rule(
    "round-double",
    _rx(r"\bround\s*\("),
    "round() of a double rounds ties differently: cast to decimal first (round2 / cast(… as decimal))",
)
SUM_BOOLEAN = Rule(
    "sum-boolean",
    _rx(r"\bsum\s*\("),
    "Spark rejects sum(boolean): use count_where(…) or sum(case when … then 1 else 0 end)",
)
_DECIMAL_TYPE = re.compile(rf"^\s*(decimal|numeric|{JINJA_PLACEHOLDER})\b", re.IGNORECASE)
_BOOLEAN_OPERATOR = re.compile(
    r"(=|<|>|\bis\b|\bnot\b|\band\b|\bor\b|\bin\b|\blike\b|\bilike\b|\bbetween\b|\bexists\b)"
    r"|^\s*(is|has)_\w+\s*$",
    re.IGNORECASE,
)
_CASE_BLOCK = re.compile(r"\bcase\b((?!\bcase\b).)*?\bend\b", re.IGNORECASE | re.DOTALL)


def _argument(text: str, open_paren: int) -> str:
    """The text between the parenthesis at `open_paren` and its match."""
    depth = 0
    for index in range(open_paren, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[open_paren + 1 : index]
    return text[open_paren + 1 :]


def _top_level(text: str) -> str:
    """`text` with every parenthesized part and every case … end emptied (what is at depth 0)."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
            out.append("(" if depth == 1 else "")
        elif char == ")":
            depth -= 1
            out.append(")" if depth == 0 else "")
        elif depth == 0:
            out.append(char)
    flat = "".join(out)
    while _CASE_BLOCK.search(flat):
        flat = _CASE_BLOCK.sub(" 0 ", flat)
    return flat


def _rounds_a_double(argument: str) -> bool:
    """round(x, n) is portable only as round(cast(… as decimal(…)), n)."""
    first = _top_level(argument).split(",")[0].strip().lower()
    if not first.startswith("cast"):
        return True
    inner = _argument(argument, argument.index("("))
    as_type = re.split(r"\bas\b", _top_level(inner), flags=re.IGNORECASE)
    return len(as_type) < 2 or not _DECIMAL_TYPE.match(as_type[-1])


def _sums_a_boolean(argument: str) -> bool:
    stripped = re.sub(r"^\s*distinct\b", "", argument, flags=re.IGNORECASE)
    return bool(_BOOLEAN_OPERATOR.search(_top_level(stripped)))


#: rules that look at a call's argument: the rule and the test of the argument
CALL_RULES: tuple[tuple[Rule, Callable[[str], bool]], ...] = (
    (ROUND_DOUBLE, _rounds_a_double),
    (SUM_BOOLEAN, _sums_a_boolean),
)

#: checked inside {{ … }} (a dbt cross-database macro called with a minute/hour part)
JINJA_RULES: tuple[Rule, ...] = (
    Rule(
        "minute-hour-diff",
        _rx(r"\bdatediff\s*\([^)]*['\"](minute|hour)s?['\"]\s*\)"),
        "minute/hour diffs round differently per engine: diff in seconds and divide (seconds_between)",
    ),
)

_MACRO_BLOCK = re.compile(
    r"\{%-?\s*macro\s+(\w+)\s*\(.*?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.DOTALL | re.IGNORECASE
)
_DISPATCH_IMPLEMENTATION = re.compile(r"^[a-z0-9]+__\w+$", re.IGNORECASE)
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)


def _blank(match: re.Match[str], keep: str = "") -> str:
    """The match replaced by `keep` padded to keep every newline (line numbers stay right)."""
    text = match.group(0)
    newlines = text.count("\n")
    return keep + "\n" * newlines


def _without_dispatch_implementations(text: str) -> str:
    def strip(match: re.Match[str]) -> str:
        return _blank(match) if _DISPATCH_IMPLEMENTATION.match(match.group(1)) else match.group(0)

    return _MACRO_BLOCK.sub(strip, text)


def sql_to_check(text: str, keep_strings: bool = False) -> str:
    """The SQL a rule sees: no dispatch implementations, comments, Jinja or (unless kept) string literals."""
    text = _without_dispatch_implementations(text)
    text = _JINJA_COMMENT.sub(_blank, text)
    text = _JINJA_EXPRESSION.sub(lambda m: _blank(m, f" {JINJA_PLACEHOLDER} "), text)
    text = _JINJA_STATEMENT.sub(_blank, text)
    return _strip_comments_and_strings(text, keep_strings)


def _strip_comments_and_strings(text: str, keep_strings: bool) -> str:
    """SQL comments removed and string literals emptied (''), scanning left to right; newlines kept."""
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if text.startswith("--", index):
            end = text.find("\n", index)
            index = length if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end < 0 else end + 2
            out.append("\n" * text.count("\n", index, end))
            index = end
        elif char == "'":
            end = index + 1
            while end < length:
                if text[end] == "'" and text.startswith("''", end):
                    end += 2
                elif text[end] == "'":
                    break
                else:
                    end += 1
            literal = text[index : end + 1]
            out.append(literal if keep_strings else "''" + "\n" * literal.count("\n"))
            index = end + 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _line_text(text: str, line: int) -> str:
    return text.splitlines()[line - 1].strip()


def lint_text(text: str, path: Path) -> list[Finding]:
    """Findings of one file's text (a model, macro or test)."""
    findings: list[Finding] = []
    checked = sql_to_check(text)
    with_strings = sql_to_check(text, keep_strings=True)
    for rule in SQL_RULES:
        scanned = with_strings if rule.code in RULES_SEEING_STRINGS else checked
        for match in rule.pattern.finditer(scanned):
            line = _line_of(scanned, match.start())
            findings.append(Finding(path, line, rule.code, rule.message, _line_text(text, line)))
    for rule, breaks in CALL_RULES:
        for match in rule.pattern.finditer(checked):
            if breaks(_argument(checked, match.end() - 1)):
                line = _line_of(checked, match.start())
                findings.append(Finding(path, line, rule.code, rule.message, _line_text(text, line)))
    outside_dispatch = _without_dispatch_implementations(_JINJA_COMMENT.sub(_blank, text))
    for expression in _JINJA_EXPRESSION.finditer(outside_dispatch):
        for rule in JINJA_RULES:
            for match in rule.pattern.finditer(expression.group(0)):
                line = _line_of(outside_dispatch, expression.start() + match.start())
                findings.append(Finding(path, line, rule.code, rule.message, _line_text(text, line)))
    unique = {(f.line, f.rule): f for f in findings}
    return [unique[key] for key in sorted(unique)]


def lint_project(project_dir: Path) -> list[Finding]:
    """Findings of every .sql file of the dbt project's models, macros, tests, analyses, snapshots."""
    findings: list[Finding] = []
    for folder in SCANNED_FOLDERS:
        for path in sorted((project_dir / folder).rglob("*.sql")):
            findings += lint_text(path.read_text(encoding="utf-8"), path.relative_to(project_dir))
    return findings


def main(argv: list[str] | None = None) -> int:
    from pipelines.settings import DBT_PROJECT_DIR

    args = sys.argv[1:] if argv is None else argv
    project_dir = Path(args[0]) if args else DBT_PROJECT_DIR
    findings = lint_project(project_dir)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} portability finding(s) in {project_dir} (../shared/spec/portable-sql.md)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
