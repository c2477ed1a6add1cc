"""The bounded batch of a month that Great Expectations validates (its "evidence").

A month with at most `max_rows` rows is validated whole. A bigger one (10 million orders) is not
loaded into pandas: the batch is

* the failing rows: every row breaking a rule, grouped by id (all the copies of a repeated id
  together), first groups first, up to `max_rows / 4` rows, so the Data Docs show real failures;
* plus a deterministic sample of the other rows: the ids whose hash falls in the first buckets,
  sized to fill the batch (about `max_rows` in all).

Both parts keep every row of a given id together, so uniqueness means the same thing in GX (over
the batch) as in SQL (over the month). The SQL flags of the batch's rows come back with it, so the
caller can compare GX's verdict with the SQL's row by row. The counts that decide quarantine
always come from SQL over the whole month (quarantine.rule_report), never from the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from pipelines.contract import InputSpec
from pipelines.validation.quarantine import (
    PRIVATE_COLUMNS,
    any_rule_sql,
    flag_column,
    flags_sql,
    public_columns,
    query_parameters,
)
from pipelines.validation.rules import CompiledSuite, ident, sql_literal

#: GX needs the row number to name its unexpected rows
INDEX_COLUMN = "source_row"
#: free text that stays in raw: GX sees only whether it is filled (the rules test nothing else)
MASK = "***"
#: hash buckets of the sample (1/10 000 of the month each)
BUCKETS = 10_000


@dataclass
class Evidence:
    frame: pd.DataFrame
    #: rule name → source rows of the batch the SQL says break it
    sql_failures: dict[str, set[int]]
    rows_in_month: int
    #: "whole month" or "sample"
    scope: str

    @property
    def rows(self) -> int:
        return len(self.frame)


def _frame_columns(spec: InputSpec) -> list[str]:
    # personal data never leaves raw; other free text (county_records.reply) only as filled or not
    masked = [
        f"case when {ident(c.name)} is null then null else {sql_literal(MASK)} end as {ident(c.name)}"
        for c in spec.columns
        if c.name in PRIVATE_COLUMNS and not c.personal
    ]
    return [INDEX_COLUMN, *(ident(c) for c in public_columns(spec)), *masked, "load_errors"]


def _to_gx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects (None for empty), the dtypes the suites' type lists name."""
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column].dtype) and not pd.api.types.is_object_dtype(
            frame[column]
        ):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def select_evidence(
    con: duckdb.DuckDBPyConnection,
    spec: InputSpec,
    suite: CompiledSuite,
    month: str,
    parameters: dict[str, Any],
    max_rows: int,
) -> Evidence:
    params = query_parameters(suite, month, parameters)
    rows_in_month = int(
        con.execute(
            f"select count(*) from raw.{ident(spec.name)} where month = $month", {"month": month}
        ).fetchone()[0]
    )
    key = (
        f"coalesce(cast({ident(spec.id_column)} as varchar), '#' || source_row)"
        if spec.id_column
        else ("'#' || source_row")
    )
    flags = [flag_column(i) for i in range(len(suite.rules))]
    keyed = (
        f"select *, {key} as __key, {any_rule_sql(suite, quarantine_only=False)} as __bad "
        f"from ({flags_sql(spec, suite)}) as flagged"
    )
    if rows_in_month <= max_rows:
        where, scope = "true", "whole month"
    else:
        scope = "sample"
        bad_cap = max(1, max_rows // 4)
        bad_rows = con.execute(f"select count(*) from ({keyed}) where __bad", params).fetchone()[0]
        sample_rows = max(0, max_rows - min(int(bad_rows), bad_cap))
        params = {**params, "bad_cap": bad_cap, "buckets": int(BUCKETS * sample_rows / rows_in_month)}
        where = (
            "__key in (select __key from (select __key, sum(n) over (order by first_row rows between "
            "unbounded preceding and current row) as cumulative from (select __key, count(*) as n, "
            "min(source_row) as first_row from keyed where __bad group by __key)) "
            f"where cumulative <= $bad_cap) or hash(__key) % {BUCKETS} < $buckets"
        )
    # not materialized: the month is scanned twice (failing ids, then the batch), never copied
    sql = (
        f"with keyed as not materialized ({keyed}) select {', '.join(_frame_columns(spec) + flags)} "
        f"from keyed where {where} order by source_row"
    )
    frame = con.execute(sql, params).df()
    sql_failures = {
        rule.name: set(frame.loc[frame[f"__rule_{i}"].astype(bool), INDEX_COLUMN].astype(int))
        for i, rule in enumerate(suite.rules)
    }
    frame = frame.drop(columns=[f"__rule_{i}" for i in range(len(suite.rules))])
    return Evidence(_to_gx_frame(frame), sql_failures, rows_in_month, scope)
