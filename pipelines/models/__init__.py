"""The dbt side of the code location: the dbt project as Dagster sees it and its assets.

- project.py        the DbtProject (engine's target and manifest), the dbt CLI resource
- assets.py         `dbt_models`: every dbt model, seed and test of the month (dagster-dbt)
- dbt_artifacts.py  where each dbt run's artifacts go (DAGSTER_HOME/dbt_artifacts) and their pruning
"""
