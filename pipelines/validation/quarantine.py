"""Evaluate the suites' row-level rules over a whole month in DuckDB and keep `raw.quarantine`.

Everything here is SQL over `raw.<input>` (no pandas, no Great Expectations): a month of 10 million
orders is one scan per query, whatever the memory.

`raw.quarantine(month, input, source_file, source_row, rule, row_json)` holds one row per
quarantined source row (a row breaking several rules is there once): `rule` lists what it broke,
`; `-separated, the loader's message(s) for unparseable cells first, then the names of the
suite's rules (`meta.rule`) in suite order. A rule about a column whose cell did not parse is left
out (the loader's message already says why the cell is empty), in `rule` and in the per-rule
counts alike. `row_json` is the row as stored minus personal data and free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from pipelines.contract import INPUTS, INPUTS_BY_NAME, UNITS, InputSpec
from pipelines.partitions import month_cutoff, month_start
from pipelines.raw_tables import RAW_SCHEMA, ensure_raw_tables, stored_column_name
from pipelines.validation.rules import SOURCE, CompiledSuite, Rule, compile_suite, ident, sql_literal
from pipelines.validation.suites import load_suite

QUARANTINE_TABLE = f"{RAW_SCHEMA}.quarantine"
RULE_SEPARATOR = "; "
#: stored columns never copied out of the raw table by validation (row_json, Data Docs)
PRIVATE_COLUMNS = frozenset({"caller_phone_hash", "content", "reply"})
#: sample rows kept per rule in the check metadata
SAMPLES_PER_RULE = 5
#: the group of units whose codes are `county_codes`
COUNTY_GROUP = "县区"


def compiled_suite(input_name: str) -> CompiledSuite:
    return compile_suite(load_suite(input_name))


def public_columns(spec: InputSpec) -> list[str]:
    """Stored contract columns that may leave the raw table (no personal data, no free text)."""
    return [
        stored_column_name(c)
        for c in spec.columns
        if stored_column_name(c) not in PRIVATE_COLUMNS and not c.personal
    ]


def flag_column(index: int) -> str:
    return f'"__rule_{index}"'


def flags_sql(spec: InputSpec, suite: CompiledSuite, row_filter: str | None = None) -> str:
    """Every row of the month of `raw.<input>` (`$month`) with one boolean column per rule.

    `row_filter` (SQL over the raw columns) narrows the rows; it must keep every copy of an id
    or none, so that uniqueness means what it means over the whole month.
    """
    flags = "".join(f",\n    {rule.failure_sql} as {flag_column(i)}" for i, rule in enumerate(suite.rules))
    # not materialized: the uniqueness subqueries scan the table again instead of a 10M-row copy
    month_rows = f"select * from {RAW_SCHEMA}.{ident(spec.name)} where month = $month"
    if row_filter:
        month_rows += f" and ({row_filter})"
    return f"with {SOURCE} as not materialized ({month_rows})\nselect {SOURCE}.*{flags}\nfrom {SOURCE}"


def any_rule_sql(suite: CompiledSuite, quarantine_only: bool = True) -> str:
    flags = [flag_column(i) for i, r in enumerate(suite.rules) if r.quarantines or not quarantine_only]
    return "(" + " or ".join(flags) + ")" if flags else "false"


def reported_flag(index: int, rule: Rule) -> str:
    """The rule's flag, minus rows where a cell it reads did not parse (the loader's message says why).

    A cell that does not parse is stored as null, so `received_at: '2021-02-30' is not a
    timestamp` would also break `received_at.required`; the row is quarantined for the first
    reason only. (The raw flag, used to compare with GX, keeps both.)
    """
    if rule.is_load_errors:
        return flag_column(index)
    columns = "|".join(rule.columns)
    parsed = f"coalesce(regexp_matches(load_errors, {sql_literal(f'(^|; )({columns}): ')}), false)"
    return f"({flag_column(index)} and not {parsed})"


def _rule_text(index: int, rule: Rule) -> str:
    if rule.is_load_errors:
        return f"case when {flag_column(index)} then load_errors end"
    return f"case when {reported_flag(index, rule)} then {sql_literal(rule.name)} end"


def rule_text_sql(suite: CompiledSuite) -> str:
    """`; `-joined: the loader's message(s) first, then the broken quarantine rules in suite order."""
    indexed = [(i, r) for i, r in enumerate(suite.rules) if r.quarantines]
    ordered = [p for p in indexed if p[1].is_load_errors] + [p for p in indexed if not p[1].is_load_errors]
    parts = ", ".join(_rule_text(i, r) for i, r in ordered)
    return f"concat_ws({sql_literal(RULE_SEPARATOR)}, {parts})" if parts else "null"


def row_json_sql(spec: InputSpec) -> str:
    fields = ", ".join(f"{sql_literal(name)}: {ident(name)}" for name in public_columns(spec))
    return f"cast(to_json({{{fields}}}) as varchar)"


def query_parameters(suite: CompiledSuite, month: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The named parameters a query over `suite` uses (DuckDB refuses unused ones)."""
    missing = suite.parameters - set(parameters)
    if missing:
        raise KeyError(f"{suite.input}: suite parameter(s) {sorted(missing)} have no value")
    return {"month": month, **{name: parameters[name] for name in suite.parameters}}


# ------------------------------------------------------------------------------------------------
# run-time parameters


def accepted_units(con: duckdb.DuckDBPyConnection, month: str) -> list[tuple[str, str | None]]:
    """(unit_code, unit_group) of the month's units rows that break no rule of the units suite."""
    suite = compiled_suite(UNITS.name)
    sql = (
        f"select unit_code, unit_group from ({flags_sql(UNITS, suite)}) as flagged "
        f"where not {any_rule_sql(suite)} order by unit_code"
    )
    return [(code, group) for code, group in con.execute(sql, query_parameters(suite, month, {})).fetchall()]


def month_parameters(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, Any]:
    """Values of the suites' parameters for `month`: its bounds, the accepted unit codes and what
    the month's appeals may be about (validation/appeal_targets.py)."""
    from pipelines.validation.appeal_targets import appeal_parameters

    units = accepted_units(con, month)
    parameters: dict[str, Any] = {
        "m_start": month_start(month),
        "cutoff": month_cutoff(month),
        "unit_codes": [code for code, _ in units],
        "county_codes": [code for code, group in units if group == COUNTY_GROUP],
    }
    return {**parameters, **appeal_parameters(con, month, parameters)}


# ------------------------------------------------------------------------------------------------
# quarantine


@dataclass(frozen=True)
class QuarantineCount:
    input: str
    rows_read: int
    rows_quarantined: int

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_quarantined


def quarantine_insert_sql(spec: InputSpec, suite: CompiledSuite) -> str:
    return (
        f"insert into {QUARANTINE_TABLE} (month, input, source_file, source_row, rule, row_json)\n"
        f"select month, {sql_literal(spec.name)}, source_file, source_row, {rule_text_sql(suite)}, "
        f"{row_json_sql(spec)}\nfrom ({flags_sql(spec, suite)}) as flagged\n"
        f"where {any_rule_sql(suite)}\norder by source_row"
    )


def write_quarantine(
    con: duckdb.DuckDBPyConnection, month: str, inputs: tuple[InputSpec, ...] = INPUTS
) -> dict[str, QuarantineCount]:
    """Replace the `month` rows of raw.quarantine for each input, in one transaction."""
    ensure_raw_tables(con)
    parameters = month_parameters(con, month)
    counts: dict[str, QuarantineCount] = {}
    con.begin()
    try:
        for spec in inputs:
            suite = compiled_suite(spec.name)
            con.execute(
                f"delete from {QUARANTINE_TABLE} where month = $month and input = $input",
                {"month": month, "input": spec.name},
            )
            con.execute(quarantine_insert_sql(spec, suite), query_parameters(suite, month, parameters))
            read, quarantined = con.execute(
                f"select (select count(*) from {RAW_SCHEMA}.{ident(spec.name)} where month = $month), "
                f"(select count(*) from {QUARANTINE_TABLE} where month = $month and input = $input)",
                {"month": month, "input": spec.name},
            ).fetchone()
            counts[spec.name] = QuarantineCount(spec.name, int(read), int(quarantined))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return counts


# ------------------------------------------------------------------------------------------------
# per-rule report (check metadata)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    quarantines: bool
    rows: int
    #: up to SAMPLES_PER_RULE failing rows, first source rows first: {"source_row", id column, …}
    samples: list[dict[str, Any]]
    description: str


@dataclass(frozen=True)
class RuleReport:
    input: str
    rows_read: int
    rows_quarantined: int
    rules: list[RuleCount] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        return self.rows_read - self.rows_quarantined

    @property
    def broken(self) -> list[RuleCount]:
        return [r for r in self.rules if r.rows]


def _sample_struct(spec: InputSpec, rule: Rule) -> str:
    fields = ["'source_row': source_row"]
    if spec.id_column:
        fields.append(f"{sql_literal(spec.id_column)}: {ident(spec.id_column)}")
    if rule.is_load_errors:
        fields.append("'message': load_errors")
    return "{" + ", ".join(fields) + "}"


def rule_report(
    con: duckdb.DuckDBPyConnection, spec: InputSpec, month: str, parameters: dict[str, Any]
) -> RuleReport:
    """Rows read, rows quarantined, every rule's count (one scan) and first failing rows (a second
    scan that aggregates only the failing rows)."""
    suite = compiled_suite(spec.name)
    params = query_parameters(suite, month, parameters)
    flagged = f"({flags_sql(spec, suite)}) as flagged"
    # count_if over zero rows (an absent optional input) is null on DuckDB 2.0
    counts = ["count(*)", f"coalesce(count_if({any_rule_sql(suite)}), 0)"]
    counts += [f"coalesce(count_if({reported_flag(i, rule)}), 0)" for i, rule in enumerate(suite.rules)]
    row = con.execute(f"select {', '.join(counts)} from {flagged}", params).fetchone()
    rule_rows = [int(n) for n in row[2:]]
    samples: list[list[Any]] = [[] for _ in suite.rules]
    broken = [i for i, n in enumerate(rule_rows) if n]
    if broken:
        firsts = [
            f"min_by({_sample_struct(spec, suite.rules[i])}, source_row, {SAMPLES_PER_RULE}) "
            f"filter (where {reported_flag(i, suite.rules[i])})"
            for i in broken
        ]
        found = con.execute(
            f"select {', '.join(firsts)} from {flagged} where {any_rule_sql(suite, quarantine_only=False)}",
            params,
        ).fetchone()
        for i, first in zip(broken, found, strict=True):
            samples[i] = [_json_safe(s) for s in (first or [])]
    rules = [
        RuleCount(rule.name, rule.quarantines, rule_rows[i], samples[i], rule.description)
        for i, rule in enumerate(suite.rules)
    ]
    return RuleReport(spec.name, int(row[0]), int(row[1]), rules)


def _json_safe(sample: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if isinstance(v, int | str | float | None) else str(v)) for k, v in sample.items()}


# ------------------------------------------------------------------------------------------------
# reconciliation


#: the accepted rows of an input, exactly as the staging views select them
ACCEPTED_ROWS_SQL = (
    "select * from {raw} as raw_row where raw_row.month = $month and raw_row.load_errors is null "
    f"and not exists (select 1 from {QUARANTINE_TABLE} as q where q.month = raw_row.month "
    "and q.input = $input and q.source_row = raw_row.source_row)"
)


@dataclass(frozen=True)
class Reconciliation:
    input: str
    #: rows the loader reported reading (its materialization metadata), None when unknown
    rows_read_by_loader: int | None
    rows_stored: int
    #: rows the staging views select
    rows_accepted: int
    #: distinct source rows in raw.quarantine
    rows_quarantined: int
    #: raw rows whose presence in raw.quarantine differs from what the suite's rules say now
    out_of_step: int
    #: quarantine rows whose source_row is not in the raw table, or appears twice
    orphans: int
    duplicates: int

    @property
    def rows_read(self) -> int:
        return self.rows_read_by_loader if self.rows_read_by_loader is not None else self.rows_stored

    @property
    def holds(self) -> bool:
        return (
            self.rows_read == self.rows_stored == self.rows_accepted + self.rows_quarantined
            and self.out_of_step == 0
            and self.orphans == 0
            and self.duplicates == 0
        )


def reconcile(
    con: duckdb.DuckDBPyConnection,
    spec: InputSpec,
    month: str,
    parameters: dict[str, Any],
    rows_read_by_loader: int | None = None,
) -> Reconciliation:
    """Count the month's rows of one input every way, and compare raw.quarantine with the rules.

    `rows_accepted` is counted with the staging views' own predicate; `out_of_step` re-evaluates
    the suite over the raw rows, so a quarantine older than the raw rows (or edited) is caught.
    """
    suite = compiled_suite(spec.name)
    raw = f"{RAW_SCHEMA}.{ident(spec.name)}"
    params = {**query_parameters(suite, month, parameters), "input": spec.name}
    quarantined_rows = (
        f"(select distinct source_row as quarantined_row from {QUARANTINE_TABLE} "
        "where month = $month and input = $input)"
    )
    stored, accepted, quarantined, out_of_step, orphans, duplicates = con.execute(
        f"""
        select
            (select count(*) from {raw} where month = $month),
            (select count(*) from ({ACCEPTED_ROWS_SQL.format(raw=raw)})),
            (select count(distinct source_row) from {QUARANTINE_TABLE}
                where month = $month and input = $input),
            (select count(*) from ({flags_sql(spec, suite)}) as flagged
                left join {quarantined_rows} as q on q.quarantined_row = flagged.source_row
                where {any_rule_sql(suite)} is distinct from (q.quarantined_row is not null)),
            (select count(*) from {QUARANTINE_TABLE} as q where q.month = $month and q.input = $input
                and not exists (select 1 from {raw} as r
                    where r.month = q.month and r.source_row = q.source_row)),
            (select count(*) - count(distinct source_row) from {QUARANTINE_TABLE}
                where month = $month and input = $input)
        """,
        params,
    ).fetchone()
    return Reconciliation(
        spec.name,
        rows_read_by_loader,
        int(stored),
        int(accepted),
        int(quarantined),
        int(out_of_step),
        int(orphans),
        int(duplicates),
    )


def quarantined_by_input(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, int]:
    counts = {spec.name: 0 for spec in INPUTS}
    for name, n in con.execute(
        f"select input, count(*) from {QUARANTINE_TABLE} where month = $month group by input",
        {"month": month},
    ).fetchall():
        counts[str(name)] = int(n)
    return counts


def spec_of(input_name: str) -> InputSpec:
    return INPUTS_BY_NAME[input_name]
