"""The code location: one Definitions, one asset per input, one lineage graph."""

from __future__ import annotations

import dagster as dg

from pipelines.contract import INPUTS
from pipelines.definitions import MONTHLY_JOB_NAME, defs


def graph() -> dg.AssetGraph:
    return defs.resolve_asset_graph()


def test_one_raw_asset_per_input_in_the_ingest_group():
    for spec in INPUTS:
        node = graph().get(dg.AssetKey(["raw", spec.name]))
        assert node.group_name == "ingest"
        assert node.partitions_def is not None
        assert node.partitions_def.get_first_partition_key() == "2021-01"


def test_raw_assets_feed_dbt_models_which_feed_the_bulletin():
    g = graph()
    assert dg.AssetKey(["raw", "orders"]) in g.get(dg.AssetKey(["staging", "stg_orders"])).parent_keys
    assert dg.AssetKey(["raw", "rulebook_params"]) in g.get(
        dg.AssetKey(["staging", "stg_rulebook_params"])
    ).parent_keys
    bulletin_parents = g.get(dg.AssetKey("bulletin")).parent_keys
    assert dg.AssetKey(["marts", "fct_unit_scores"]) in bulletin_parents
    upstream = g.upstream_key_iterator(dg.AssetKey("bulletin"))
    assert dg.AssetKey(["raw", "orders"]) in set(upstream)
    assert all(g.get(key).is_materializable for key in bulletin_parents)


def test_dbt_tests_are_asset_checks_on_the_models():
    check_keys = graph().asset_check_keys
    on_scores = {key.name for key in check_keys if key.asset_key == dg.AssetKey(["marts", "fct_unit_scores"])}
    assert any(name.startswith("competition_rank") for name in on_scores)
    assert len(check_keys) > 100


def test_the_monthly_job_selects_everything_and_runs_in_process():
    job = defs.resolve_job_def(MONTHLY_JOB_NAME)
    assert job.partitions_def is not None
    assert job.executor_def.name == "in_process"
    assert dg.AssetKey("bulletin") in job.asset_layer.selected_asset_keys
