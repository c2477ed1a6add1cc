"""DDL of the warehouse's `raw` schema, derived from the input contract.

Kept in one place so that the loaders, the reference-table writers and the test fixtures create
exactly the tables the dbt sources expect.
"""

from __future__ import annotations

import duckdb

from pipelines.contract import INPUTS, Column, ColumnType, InputSpec

RAW_SCHEMA = "raw"

SQL_TYPES: dict[ColumnType, str] = {
    ColumnType.TEXT: "varchar",
    ColumnType.ENUM: "varchar",
    ColumnType.TIMESTAMP: "timestamp",
    ColumnType.BOOL: "boolean",
    ColumnType.DECIMAL: "decimal(18,4)",
    ColumnType.INTEGER: "bigint",
}

#: columns every raw input table carries besides the contract's own
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("month", "varchar not null"),
    ("source_file", "varchar"),
    ("source_row", "bigint"),
)
LOAD_ERRORS_COLUMN = ("load_errors", "varchar")

REFERENCE_TABLES: dict[str, str] = {
    "rulebook_params": (
        "month varchar not null, version varchar not null, item varchar not null, "
        "param varchar not null, value decimal(18,6)"
    ),
    "rulebook_time_limits": (
        "month varchar not null, version varchar not null, kind varchar not null, "
        "dispatch_level varchar not null, category varchar not null, working_days integer not null"
    ),
    "rulebook_texts": "month varchar not null, version varchar not null, key varchar not null, value varchar",
    "working_calendar": "calendar_date date not null, is_workday boolean not null",
}

#: rows of the inputs that break a rule of their expectation suite (pipelines/validation): one row
#: per quarantined source row, `rule` the `; `-joined rules it broke, `row_json` the row minus
#: personal data; the staging views leave these rows out (docs/validation.md)
QUARANTINE_TABLE = "quarantine"
QUARANTINE_DDL = (
    "month varchar not null, input varchar not null, source_file varchar, source_row bigint not null, "
    "rule varchar not null, row_json varchar"
)


def stored_column_name(column: Column) -> str:
    """Name of the column in the warehouse: a phone number is only ever stored hashed."""
    if column.name == "caller_phone":
        return "caller_phone_hash"
    return column.name


def raw_columns(spec: InputSpec) -> list[tuple[str, str]]:
    """(name, sql type) of `raw.<input>`, in table order."""
    columns = list(LINEAGE_COLUMNS)
    columns += [(stored_column_name(c), SQL_TYPES[c.type]) for c in spec.columns]
    columns.append(LOAD_ERRORS_COLUMN)
    return columns


def raw_table_ddl(spec: InputSpec) -> str:
    body = ", ".join(f"{name} {sql_type}" for name, sql_type in raw_columns(spec))
    return f"create table if not exists {RAW_SCHEMA}.{spec.name} ({body})"


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and every raw table that does not exist yet (idempotent)."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for spec in INPUTS:
        con.execute(raw_table_ddl(spec))
    for name, body in REFERENCE_TABLES.items():
        con.execute(f"create table if not exists {RAW_SCHEMA}.{name} ({body})")
    con.execute(f"create table if not exists {RAW_SCHEMA}.{QUARANTINE_TABLE} ({QUARANTINE_DDL})")
