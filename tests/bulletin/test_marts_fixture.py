"""The hand-made marts of marts_fixture.py agree with the marts' dbt yml (via the manifest).

The fixture takes its columns from the manifest, so a column renamed, added or dropped in a mart's
yml reaches every bulletin test; these tests make the agreement explicit and fail when it breaks:
the fixture's tables carry exactly the yml's columns, every column the bulletin reads is documented,
every type the fixture declares belongs to a documented column, and (slow) the marts of a real
`hotline run` have the same columns and the same kinds of types as the fixture's.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.bulletin.figures import APPEALS_COLUMNS, APPEALS_MART, REQUIRED_COLUMNS
from tests.bulletin.marts_fixture import (
    COLUMN_TYPES,
    FIXTURE_MARTS,
    MART_TYPE_OVERRIDES,
    build_warehouse,
    manifest_columns,
    mart_columns,
)
from tests.support.pipeline_run import PipelineRun


def _table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, lower(data_type) from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def test_every_fixture_mart_has_exactly_the_columns_of_its_yml(warehouse: Path) -> None:
    documented = manifest_columns()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for mart in FIXTURE_MARTS:
            names = [name for name, _ in _table_columns(con, "marts", mart)]
            assert names == documented[mart], mart


def test_a_column_documented_without_a_fixture_type_fails_naming_mart_and_column() -> None:
    documented = manifest_columns()
    documented["fct_intake"] = [*documented["fct_intake"], "hotline_minutes"]
    with pytest.raises(KeyError, match=r"marts\.fct_intake\.hotline_minutes .*TYPED_NAMES"):
        mart_columns(documented)


def test_a_mart_without_documented_columns_fails() -> None:
    documented = manifest_columns()
    documented["fct_recovery"] = []
    with pytest.raises(KeyError, match=r"marts\.fct_recovery: no columns documented"):
        mart_columns(documented)


def test_a_yml_renaming_a_column_the_fixture_fills_breaks_the_fixture(tmp_path: Path) -> None:
    documented = manifest_columns()
    # the yml renames 交办 `dispatched` to `orders`: the fixture month cannot be written
    documented["fct_intake"] = ["orders" if c == "dispatched" else c for c in documented["fct_intake"]]
    with pytest.raises(duckdb.BinderException, match="dispatched"):
        build_warehouse(tmp_path / "renamed.duckdb", mart_columns=mart_columns(documented))


def test_every_column_the_bulletin_reads_is_documented_in_its_mart_yml() -> None:
    documented = manifest_columns()
    read = {relation: cols for relation, cols in REQUIRED_COLUMNS.items() if relation.startswith("marts.")}
    read[APPEALS_MART] = ("month", *APPEALS_COLUMNS)
    assert set(read) <= {f"marts.{mart}" for mart in FIXTURE_MARTS}
    for relation, columns in read.items():
        missing = set(columns) - set(documented[relation.removeprefix("marts.")])
        assert not missing, f"{relation} reads undocumented columns {sorted(missing)}"


def test_every_declared_type_belongs_to_a_documented_column() -> None:
    documented = manifest_columns()
    used = {name for mart in FIXTURE_MARTS for name in documented[mart]}
    assert set(COLUMN_TYPES) - used == set()
    for mart, column in MART_TYPE_OVERRIDES:
        assert column in documented[mart], (mart, column)


def _kind(sql_type: str) -> str:
    """The family of a DuckDB type: what the bulletin code may rely on."""
    sql_type = sql_type.lower()
    if sql_type.startswith(("decimal", "double", "float", "real")):
        return "number"
    if sql_type in {"bigint", "integer", "int", "smallint", "hugeint", "tinyint", "ubigint", "uinteger"}:
        return "integer"
    if sql_type.startswith("timestamp"):
        return "timestamp"
    return sql_type


@pytest.mark.slow
def test_a_real_runs_marts_have_the_fixtures_columns_and_kinds_of_types(two_months: PipelineRun) -> None:
    fixture = mart_columns()
    with duckdb.connect(str(two_months.warehouse), read_only=True) as con:
        for mart in FIXTURE_MARTS:
            real = _table_columns(con, "marts", mart)
            assert [name for name, _ in real] == [name for name, _ in fixture[mart]], mart
            kinds = {name: _kind(sql_type) for name, sql_type in real}
            differing = {
                name: (sql_type, kinds[name])
                for name, sql_type in fixture[mart]
                if _kind(sql_type) != kinds[name]
            }
            assert not differing, f"marts.{mart}: fixture type vs real kind {differing}"
