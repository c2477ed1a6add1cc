"""The project's Dagster event log (pipelines/event_log.py): the same SQLite files as Dagster's own
storage, written in batches and with fewer syncs; what it writes, Dagster's own class reads back."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.event_log import MAX_RUN_ANCHORS, HotlineSqliteEventLogStorage
from pipelines.instance import ensure_dagster_home

PARTITIONS = dg.MonthlyPartitionsDefinition(start_date="2021-01-01")


@dg.asset(partitions_def=PARTITIONS)
def upstream() -> int:
    return 1


@dg.asset(partitions_def=PARTITIONS, deps=[upstream])
def downstream() -> None:
    return None


@dg.asset_check(asset=downstream)
def downstream_is_fine() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True, metadata={"rows": 3})


@dg.asset_check(asset=upstream)
def upstream_fails() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, metadata={"rows": 0})


JOB = dg.define_asset_job("tiny", partitions_def=PARTITIONS)
DEFS = dg.Definitions(
    assets=[upstream, downstream], asset_checks=[downstream_is_fine, upstream_fails], jobs=[JOB]
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DAGSTER_HOME made by the project, with two runs of a small partitioned job in it."""
    home = ensure_dagster_home(tmp_path_factory.mktemp("event_log") / "dagster_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")  # as `hotline run` sets it
        patch.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            assert isinstance(instance.event_log_storage, HotlineSqliteEventLogStorage)
            job = DEFS.resolve_job_def("tiny")
            for month in ("2021-01-01", "2021-02-01"):
                result = job.execute_in_process(instance=instance, partition_key=month, raise_on_error=False)
                assert result.success
    return home


def test_dagster_yaml_names_the_storage_and_its_directory(home: Path):
    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert config["event_log_storage"]["class"] == "HotlineSqliteEventLogStorage"
    assert config["event_log_storage"]["config"]["base_dir"] == str(home.resolve() / "history" / "runs")


def test_dagster_own_storage_reads_every_event_back(home: Path):
    """Planned events (written as one batch), materializations and check results, per run."""
    storage = SqliteEventLogStorage(str(home / "history" / "runs"))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert len(runs) == 2
        for run in runs:
            events = storage.get_logs_for_run(run.run_id)
            kinds = [e.dagster_event.event_type for e in events if e.dagster_event]
            assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 2
            assert kinds.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED) == 2
            assert kinds.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 2
            assert kinds.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION) == 2
            assert kinds[-1] == dg.DagsterEventType.RUN_SUCCESS
        # the cross-run index (asset and check history) holds both months
        latest = instance.get_latest_materialization_event(dg.AssetKey("downstream"))
        assert latest is not None and latest.dagster_event.partition == "2021-02-01"
        status = instance.get_status_by_partition(
            dg.AssetKey("upstream"), ["2021-01-01", "2021-02-01"], PARTITIONS
        )
        assert set(status.values()) == {dg.AssetPartitionStatus.MATERIALIZED}
        check = dg.AssetCheckKey(dg.AssetKey("upstream"), "upstream_fails")
        executions = instance.event_log_storage.get_asset_check_execution_history(check, limit=10)
        # (Dagster records the planned row per partition and the unpartitioned result beside it)
        assert [e.status.value for e in executions if e.status.value != "PLANNED"] == ["FAILED", "FAILED"]
    storage.dispose()


def test_a_failed_batch_writes_nothing(tmp_path: Path):
    storage = HotlineSqliteEventLogStorage(str(tmp_path / "runs"))
    good = dg.EventLogEntry(
        error_info=None,
        level="INFO",
        user_message="hello",
        run_id="r1",
        timestamp=1.0,
        step_key=None,
        job_name="tiny",
        dagster_event=None,
    )
    with pytest.raises(Exception):  # noqa: B017 (Dagster's check error)
        storage.store_event_batch([good, object()])  # the second is no event
    assert storage.get_logs_for_run("r1") == []
    storage.store_event_batch([good, good])
    assert [e.user_message for e in storage.get_logs_for_run("r1")] == ["hello", "hello"]
    storage.dispose()


def test_a_long_lived_reader_keeps_a_bounded_number_of_files_open(tmp_path: Path):
    storage = HotlineSqliteEventLogStorage(str(tmp_path / "runs"))
    for run in range(MAX_RUN_ANCHORS + 3):
        assert storage.get_logs_for_run(f"run-{run}") == []
    assert len(storage._anchors) == MAX_RUN_ANCHORS + 1  # the run files and the index
    assert "index" in storage._anchors
    storage.dispose()


def test_an_instance_with_its_own_storage_keeps_it(tmp_path: Path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("storage:\n  sqlite:\n    base_dir: /somewhere\n", encoding="utf-8")
    ensure_dagster_home(home)
    config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    assert "event_log_storage" not in config and config["run_monitoring"]["enabled"] is True
