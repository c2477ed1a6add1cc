"""SQL that turns batches of text cells into typed `raw.<input>` rows, with a message per unparsable cell.

Parsing happens in DuckDB (one `insert … select` over the registered arrow stream of the file),
never row by row in Python; only trimming is done in arrow, where it is much cheaper. Personal data
is transformed in the same statement, before anything is stored: `caller_phone` becomes
`caller_phone_hash`, phone-like numbers in free text are masked.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.contract import Column, ColumnType, InputSpec
from pipelines.ingest.batches import SOURCE_ROW
from pipelines.raw_tables import RAW_SCHEMA, SQL_TYPES, raw_columns, stored_column_name

#: accepted timestamp spellings, the contract's first; all are local wall-clock time
TIMESTAMP_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
#: Excel date serials accepted in timestamp columns: 5 digits (1927-05-18 to 2173-10-14), optional fraction
EXCEL_SERIAL_PATTERN = r"[1-9][0-9]{4}(\.[0-9]+)?"
EXCEL_EPOCH = "1899-12-30"
#: boolean spellings, compared after trimming and lower-casing
TRUE_VALUES: tuple[str, ...] = ("1", "1.0", "true", "t", "yes", "是")
FALSE_VALUES: tuple[str, ...] = ("0", "0.0", "false", "f", "no", "否")
#: characters trimmed from both ends of every cell (ASCII whitespace, NBSP, ideographic space, BOM)
TRIM_CHARACTERS = " \t\r\n\f\v\u00a0\u3000\ufeff"
#: a run of this many digits (ASCII or full-width) in free text is treated as a phone number
PHONE_LIKE_DIGITS = 7
DIGITS = "0-9０-９"
FULL_WIDTH_DIGITS = "０１２３４５６７８９"
#: longest excerpt of a bad cell quoted in `load_errors`
QUOTED_CHARS = 40

EXPECTED: dict[ColumnType, str] = {
    ColumnType.TIMESTAMP: "is not a timestamp (YYYY-MM-DD HH:MM:SS)",
    ColumnType.BOOL: "is not a boolean (1/0, true/false, 是/否)",
    ColumnType.DECIMAL: "is not a decimal number",
    ColumnType.INTEGER: "is not an integer",
}


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def typed_name(column: Column) -> str:
    return f"{column.name}__typed"


def is_hashed(column: Column) -> bool:
    """Stored only as a salted hash (the phone number)."""
    return stored_column_name(column) != column.name


def is_masked(column: Column) -> bool:
    """Free text that may hold personal data: phone-like digit runs are masked."""
    return column.personal and not is_hashed(column)


def _string_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def trim_batch(batch: pa.RecordBatch, spec: InputSpec) -> pa.RecordBatch:
    """Every contract column without surrounding whitespace (arrow's trim is much faster than SQL's)."""
    arrays = [
        pc.utf8_trim(array, characters=TRIM_CHARACTERS) if name in spec.column_names else array
        for name, array in zip(batch.schema.names, batch.columns, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)


def parse_expression(column: Column) -> str | None:
    """SQL parsing the trimmed text `column` to its contract type; None for text and enum columns.

    For the hashed phone column it is the number's digits (hashed with the salt when stored).
    """
    value = ident(column.name)
    if is_hashed(column):
        # the digits of the number (full-width digits made ASCII), or null when there are none
        digits = f"regexp_replace({value}, {literal(f'[^{DIGITS}]')}, '', 'g')"
        full_width = f"regexp_matches({digits}, {literal('[' + FULL_WIDTH_DIGITS + ']')})"
        ascii_digits = f"translate({digits}, {literal(FULL_WIDTH_DIGITS)}, '0123456789')"
        return f"nullif(case when {full_width} then {ascii_digits} else {digits} end, '')"
    match column.type:
        case ColumnType.TIMESTAMP:
            spelled = f"date_trunc('second', try_strptime({value}, {_string_list(TIMESTAMP_FORMATS)}))"
            # an Excel date serial (days since 1899-12-30, the fraction is the time of day): what a
            # date cell becomes when its format is lost (calamine#640, a CSV saved from Excel)
            serial = (
                f"case when regexp_full_match({value}, {literal(EXCEL_SERIAL_PATTERN)}) then "
                f"timestamp '{EXCEL_EPOCH}' + to_seconds(round(cast({value} as double) * 86400)) end"
            )
            return f"coalesce({spelled}, {serial})"
        case ColumnType.BOOL:
            lowered = f"lower({value})"
            return (
                f"case when {lowered} in ({', '.join(map(literal, TRUE_VALUES))}) then true "
                f"when {lowered} in ({', '.join(map(literal, FALSE_VALUES))}) then false end"
            )
        case ColumnType.DECIMAL:
            return f"try_cast({value} as {SQL_TYPES[ColumnType.DECIMAL]})"
        case ColumnType.INTEGER:
            # accept `12` and `12.0`, refuse `12.5` (a plain cast would round it)
            as_double = f"try_cast({value} as double)"
            return f"case when {as_double} = floor({as_double}) then try_cast({value} as bigint) end"
        case _:
            return None


def stored_expression(column: Column) -> str:
    """SQL for the stored value of `column`, reading the cleaned text and the parsed value."""
    value = ident(column.name)
    if is_hashed(column):
        return f"sha256($salt || {ident(typed_name(column))})"
    if is_masked(column):
        run = literal(f"[{DIGITS}]{{{PHONE_LIKE_DIGITS},}}")
        return (
            f"case when regexp_matches({value}, {run}) "
            f"then regexp_replace({value}, {literal(f'[{DIGITS}]')}, '*', 'g') else {value} end"
        )
    if parse_expression(column) is None:
        return value
    return ident(typed_name(column))


def error_expression(column: Column) -> str | None:
    """SQL for the message of a non-empty cell that could not be parsed (null when it parsed).

    A phone number without digits is stored as null without a message: the column is optional.
    """
    if parse_expression(column) is None or is_hashed(column):
        return None
    value = ident(column.name)
    if column.personal:  # never quote personal data
        quoted = literal(f"{column.name}: the value {EXPECTED[column.type]}")
    else:
        excerpt = (
            f"case when length({value}) > {QUOTED_CHARS} "
            f"then left({value}, {QUOTED_CHARS}) || '…' else {value} end"
        )
        prefix = literal(f"{column.name}: '")
        suffix = literal(f"' {EXPECTED[column.type]}")
        quoted = f"{prefix} || {excerpt} || {suffix}"
    return f"case when {value} is not null and {ident(typed_name(column))} is null then {quoted} end"


def insert_sql(spec: InputSpec, view: str) -> str:
    """`insert into raw.<input> … select … from <view>`, parameters `$month`, `$source_file`, `$salt`.

    `view` holds batches in the layout of `batches.batch_schema(spec)`, trimmed by `trim_batch`.
    """
    cleaned = [ident(SOURCE_ROW)] + [f"nullif({ident(c.name)}, '') as {ident(c.name)}" for c in spec.columns]
    parsed = ["cleaned.*"] + [
        f"{expr} as {ident(typed_name(c))}" for c in spec.columns if (expr := parse_expression(c)) is not None
    ]
    errors = [expr for c in spec.columns if (expr := error_expression(c)) is not None]
    load_errors = f"nullif(concat_ws('; ', {', '.join(errors)}), '')" if errors else "null"
    values = ["$month", "$source_file", ident(SOURCE_ROW)]
    values += [stored_expression(c) for c in spec.columns]
    values.append(load_errors)
    target = ", ".join(ident(name) for name, _ in raw_columns(spec))
    # nested selects, not CTEs: the batch stream is scanned exactly once and never materialized
    return (
        f"insert into {RAW_SCHEMA}.{ident(spec.name)} ({target})\n"
        f"select {', '.join(values)} from (\n"
        f"select {', '.join(parsed)} from (\n"
        f"select {', '.join(cleaned)} from {ident(view)}) as cleaned) as parsed"
    )


def uses_salt(spec: InputSpec) -> bool:
    """Whether `insert_sql(spec)` takes the `$salt` parameter."""
    return any(is_hashed(c) for c in spec.columns)
