"""Keeping the dbt SQL portable between DuckDB and Spark (../shared/spec/portable-sql.md)."""
