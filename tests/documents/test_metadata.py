"""What the Dagster UI shows: the bulletin's files and figures, row counts and previews, model docs."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.bulletin.metadata import asset_metadata
from pipelines.models.assets import with_month_observations
from pipelines.models.project import dbt_project
from pipelines.previews import HIDDEN_COLUMNS, month_preview
from pipelines.resources import WarehouseResource
from tests.bulletin.marts_fixture import MONTH
from tests.support.raw_fixture import insert_rows

GROUPS = {"ingest", "validation", "staging", "intermediate", "marts", "bulletin"}


def test_bulletin_asset_links_every_file_and_shows_the_figures(written, data, markdown):
    metadata = asset_metadata(written)
    paths = {k: v.value for k, v in metadata.items() if isinstance(v, dg.PathMetadataValue)}
    for name in ("bulletin.json", "bulletin.md", "bulletin.docx", "bulletin.xlsx", "bulletin.html"):
        assert Path(paths[name]) == written.directory / name and Path(paths[name]).is_file()
    charts = {k for k in paths if k.startswith("charts/")}
    # four charts of the month, one year-to-date chart per ranked group
    assert len(charts) == 4 + 3 and all(Path(paths[k]).is_file() for k in charts)
    intake = data["intake"]
    assert metadata["total_requests"] == intake["total"]
    assert metadata["dispatched"] == intake["dispatched"]
    assert metadata["satisfaction_rate"] == intake["satisfaction_rate"]
    assert metadata["on_time_completion_rate"] == intake["on_time_completion_rate"]
    assert metadata["province_orders"] == data["province"]["count"]
    assert metadata["rulebook_version"] == data["rulebook_version"]
    first = data["rankings"]["县区"][0]
    assert metadata["first/县区"] == f"{first['unit_name']} {first['score']}"
    assert metadata["preview"].value == markdown
    # every value is one Dagster accepts
    dg.MaterializeResult(metadata=metadata)


def test_raw_preview_counts_the_month_and_hides_personal_data(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        rows = [
            {
                "order_id": f"O-{i}",
                "channel": "电话",
                "unit_code": "LYG0101",
                "caller_phone_hash": "secret-hash",
                "content": "我家住在某某小区，电话13800000000",
            }
            for i in range(8)
        ]
        insert_rows(con, "orders", MONTH, rows)
        insert_rows(con, "orders", "2021-01", rows[:3])
        count, preview = month_preview(con, "raw.orders", MONTH, order_by="source_row")
    assert count == 8
    lines = preview.splitlines()
    assert len(lines) == 2 + 5
    assert "order_id" in lines[0] and "O-0" in preview
    assert "content" not in lines[0] and "caller_phone" not in lines[0]
    assert "secret-hash" not in preview and "1380" not in preview and "小区" not in preview
    assert {"content", "caller_phone", "caller_phone_hash", "reply"} <= HIDDEN_COLUMNS


def _output_key(output_name: str) -> dg.AssetKey:
    return dg.AssetKey(output_name.split("_", 1))


def test_dbt_events_stream_then_each_model_is_observed_with_its_row_count(
    documents_warehouse: Path, tmp_path: Path
):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(documents_warehouse.read_bytes())
    events = [
        dg.Output(
            None, output_name="marts_fct_intake", metadata={"unique_id": "model.hotline_bulletin.fct_intake"}
        ),
        dg.AssetCheckResult(passed=True, asset_key=dg.AssetKey(["marts", "fct_intake"]), check_name="c"),
    ]
    seen_before_dbt_ended: list[object] = []

    def dbt_stream():
        for event in events:
            yield event
            seen_before_dbt_ended.append(event)

    stream = with_month_observations(
        dbt_stream(), WarehouseResource(database=str(warehouse)), MONTH, None, _output_key
    )
    # each event is passed on as dbt emits it, not held until dbt has exited
    assert next(stream) is events[0] and seen_before_dbt_ended == []
    assert next(stream) is events[1] and seen_before_dbt_ended == [events[0]]
    rest = list(stream)
    assert len(rest) == 1 and isinstance(rest[0], dg.AssetObservation)
    observation = rest[0]
    assert observation.asset_key == dg.AssetKey(["marts", "fct_intake"])
    assert observation.partition == MONTH
    assert observation.metadata["dagster/row_count"].value == 1
    assert "total" in observation.metadata["preview"].value


def test_dbt_failure_still_reports_the_built_models(documents_warehouse: Path, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(documents_warehouse.read_bytes())

    def failing():
        unique_id = "model.hotline_bulletin.dim_units"
        yield dg.Output(None, output_name="marts_dim_units", metadata={"unique_id": unique_id})
        raise RuntimeError("dbt failed")

    seen = []
    with pytest.raises(RuntimeError, match="dbt failed"):
        for event in with_month_observations(
            failing(), WarehouseResource(database=str(warehouse)), MONTH, None, _output_key
        ):
            seen.append(event)
    assert isinstance(seen[0], dg.Output)
    assert isinstance(seen[1], dg.AssetObservation) and seen[1].metadata["dagster/row_count"].value > 0


@pytest.fixture(scope="module")
def definitions():
    from pipelines.definitions import defs

    return defs


def test_asset_groups_keep_the_graph_readable(definitions):
    graph = definitions.resolve_asset_graph()
    groups = {
        key: graph.get(key).group_name
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable
    }
    assert set(groups.values()) <= GROUPS
    assert set(groups.values()) == GROUPS
    assert groups[dg.AssetKey(["raw", "orders"])] == "ingest"
    # dbt models by layer, the folder they live in
    assert groups[dg.AssetKey(["staging", "stg_orders"])] == "staging"
    assert groups[dg.AssetKey(["intermediate", "int_unit_item_points"])] == "intermediate"
    assert groups[dg.AssetKey(["marts", "fct_intake"])] == "marts"
    assert groups[dg.AssetKey(["bulletin"])] == "bulletin"


def test_dbt_models_carry_descriptions_and_column_docs(definitions):
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    graph = definitions.resolve_asset_graph()
    specs = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.group_name in {"staging", "intermediate", "marts"}:
            specs[key.path[-1]] = node
    assert set(specs) == set(models)
    for name, model in models.items():
        node = specs[name]
        assert node.description and model["description"].strip() in node.description, name
        schema = node.metadata["dagster/column_schema"]
        documented = {c.name: c.description for c in schema.columns}
        assert set(documented) == set(model["columns"]), name
        for column, info in model["columns"].items():
            if info.get("description"):
                assert documented[column] == info["description"], (name, column)


def test_raw_assets_declare_row_count_and_preview_metadata():
    import inspect

    from pipelines.ingest import assets as ingest_assets

    source = inspect.getsource(ingest_assets)
    assert '"dagster/row_count"' in source and '"preview"' in source
