"""Input validation: the Great Expectations suites of `expectations/`, compiled to DuckDB SQL.

The suites (one JSON file per input, GX 1.x format) are the source of truth for the rules of
contract.md. Two engines read them:

* `rules.compile_suite` turns every row-level expectation into a SQL predicate; `quarantine`
  evaluates them over the whole month in DuckDB (any number of rows) and writes `raw.quarantine`;
* `gx_runner` runs the suite itself with Great Expectations over a bounded evidence batch of the
  month (`evidence`), writes its Data Docs and compares GX's verdict row by row with the SQL's.

Importing this package never imports Great Expectations (slow); only `gx_runner` does, lazily.
See docs/validation.md.
"""
