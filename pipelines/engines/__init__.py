"""The engines the dbt project runs on (HOTLINE_ENGINE=duckdb|spark) and what each needs.

DuckDB: the models read `raw.*` in the warehouse file and the bulletin reads the marts there.
Spark: `lake.py` writes the month's accepted raw tables as parquet (the dbt sources on Spark;
`lake_asset.py` the `lake/<table>` assets that run it),
`readers.py` brings the marts back for the bulletin. README "When one machine is not enough".
"""
