"""Triggers: the monthly schedule's partition and the landing-folder sensor."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.automation import build_automation, triggers_running
from pipelines.ingest.triggers import (
    LANDING_SENSOR_NAME,
    SCHEDULE_CRON,
    SCHEDULE_NAME,
    SCHEDULE_TIMEZONE,
    LandingMonth,
    landing_requests,
    month_to_evaluate,
    scan_landing,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


# -- the schedule ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "month"),
    [
        (datetime(2021, 3, 3, 6, 0, tzinfo=SHANGHAI), "2021-02"),
        (datetime(2022, 1, 3, 6, 0, tzinfo=SHANGHAI), "2021-12"),
        # 06:00 on the 3rd in Shanghai is 22:00 UTC on the 2nd: still the 3rd's previous month
        (datetime(2021, 3, 2, 22, 0, tzinfo=UTC), "2021-02"),
        (datetime(2021, 3, 31, 23, 30, tzinfo=SHANGHAI), "2021-02"),
        (datetime(2021, 4, 1, 0, 30, tzinfo=SHANGHAI), "2021-03"),
    ],
)
def test_the_schedule_evaluates_the_previous_month(when, month):
    assert month_to_evaluate(when) == month


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    from pipelines.definitions import defs

    return defs


def test_the_schedule_asks_for_the_previous_months_partition(definitions):
    schedule = definitions.resolve_schedule_def(SCHEDULE_NAME)
    assert schedule.cron_schedule == SCHEDULE_CRON == "0 6 3 * *"
    assert schedule.execution_timezone == SCHEDULE_TIMEZONE == "Asia/Shanghai"
    assert schedule.job_name == "monthly_bulletin"
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2021, 3, 3, 6, 0, tzinfo=SHANGHAI),
        repository_def=definitions.get_repository_def(),
    )
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == "2021-02"
    assert request.run_key == "schedule:2021-02"
    assert request.tags["hotline/trigger"] == "schedule"


def test_the_code_location_has_the_sensors_and_the_schedule(definitions):
    repository = definitions.get_repository_def()
    assert {sensor.name for sensor in repository.sensor_defs} >= {
        "check_failure_alerts",
        "run_failure_alerts",
        "indicator_anomaly_alerts",
        LANDING_SENSOR_NAME,
    }
    assert repository.get_sensor_def("check_failure_alerts").default_status == dg.DefaultSensorStatus.RUNNING
    assert repository.get_sensor_def(LANDING_SENSOR_NAME).default_status == dg.DefaultSensorStatus.STOPPED


def test_triggers_can_start_running_by_default():
    assert not triggers_running({})
    assert triggers_running({"HOTLINE_TRIGGERS_RUNNING": "1"})
    from pipelines.definitions import monthly_bulletin_job

    automation = build_automation(monthly_bulletin_job, {"HOTLINE_TRIGGERS_RUNNING": "true"})
    assert automation.schedules[0].default_status == dg.DefaultScheduleStatus.RUNNING
    landing = next(sensor for sensor in automation.sensors if sensor.name == LANDING_SENSOR_NAME)
    assert landing.default_status == dg.DefaultSensorStatus.RUNNING


# -- the landing folder: pure helpers --------------------------------------------------------------
def _write(path: Path, text: str, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_a_month_is_ready_when_every_required_file_is_there(tmp_path):
    landing = tmp_path / "landing"
    old = time.time() - 3600
    _write(landing / "2021-03" / "orders.csv", "order_id\n1\n", old)
    _write(landing / "2021-04" / "orders.csv", "order_id\n1\n", old)
    _write(landing / "2021-04" / "units.csv", "unit_code\nA\n", old)  # the month's own units
    _write(landing / "2021-05" / "inspections.csv", "x\n", old)  # no orders
    _write(landing / "notes" / "orders.csv", "x\n", old)  # not a month
    scan = scan_landing(landing, time.time(), settle_seconds=60)
    assert sorted(scan.ready) == ["2021-04"]
    assert "units" in scan.waiting["2021-03"] and "orders" in scan.waiting["2021-05"]

    _write(landing / "units.csv", "unit_code\nA\n", old)  # units at the landing root serve every month
    scan = scan_landing(landing, time.time(), settle_seconds=60)
    assert sorted(scan.ready) == ["2021-03", "2021-04"]
    assert sorted(Path(f).name for f, _, _ in scan.ready["2021-03"].files) == ["orders.csv", "units.csv"]


def test_files_still_being_copied_wait(tmp_path):
    landing = tmp_path / "landing"
    _write(landing / "units.csv", "unit_code\nA\n", time.time() - 3600)
    _write(landing / "2021-03" / "orders.csv", "order_id\n1\n")  # just written
    scan = scan_landing(landing, time.time(), settle_seconds=60)
    assert scan.ready == {} and "less than 60 s" in scan.waiting["2021-03"]
    assert sorted(scan_landing(landing, time.time() + 120, settle_seconds=60).ready) == ["2021-03"]


def test_two_files_for_one_input_are_not_ready(tmp_path):
    landing = tmp_path / "landing"
    _write(landing / "units.csv", "unit_code\nA\n", time.time() - 3600)
    _write(landing / "2021-03" / "orders.csv", "order_id\n1\n", time.time() - 3600)
    _write(landing / "2021-03" / "orders.xlsx", "not really", time.time() - 3600)
    scan = scan_landing(landing, time.time(), settle_seconds=0)
    assert scan.ready == {} and "ambiguous" in scan.waiting["2021-03"]


def test_requests_follow_the_fingerprints():
    a1 = LandingMonth("2021-03", (("/l/2021-03/orders.csv", 10, 1_000_000_000),))
    a2 = LandingMonth("2021-03", (("/l/2021-03/orders.csv", 12, 2_000_000_000),))
    never = lambda month, mtime: False  # noqa: E731
    to_run, cursor = landing_requests({"2021-03": a1}, {}, never)
    assert to_run == [a1] and cursor == {"2021-03": a1.fingerprint}
    assert landing_requests({"2021-03": a1}, cursor, never)[0] == []
    assert landing_requests({"2021-03": a2}, cursor, never)[0] == [a2]
    # a month the sensor has not seen, whose bulletin is newer than its files: already run
    to_run, cursor = landing_requests({"2021-03": a1}, {}, lambda month, mtime: True)
    assert to_run == [] and cursor == {"2021-03": a1.fingerprint}


# -- the landing sensor ----------------------------------------------------------------------------
def _landing_sensor(definitions) -> dg.SensorDefinition:
    return definitions.get_repository_def().get_sensor_def(LANDING_SENSOR_NAME)


def _tick(sensor, instance, resources, cursor, definitions):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources=resources,
        repository_def=definitions.get_repository_def(),
    )
    return sensor.evaluate_tick(context)


def test_the_landing_sensor_starts_one_run_per_distinct_set_of_files(
    monkeypatch, definitions, instance, resources
):
    monkeypatch.setenv("HOTLINE_LANDING_SETTLE_SECONDS", "0")
    sensor = _landing_sensor(definitions)
    landing = Path(resources["files"].landing_dir)

    empty = _tick(sensor, instance, resources, None, definitions)
    assert empty.run_requests == []

    _write(landing / "2021-03" / "orders.csv", "order_id\nA1\n")
    waiting = _tick(sensor, instance, resources, empty.cursor, definitions)
    assert waiting.run_requests == [] and "units" in waiting.skip_message

    _write(landing / "units.csv", "unit_code\nLYG0101\n")
    first = _tick(sensor, instance, resources, waiting.cursor, definitions)
    [request] = first.run_requests
    assert request.partition_key == "2021-03"
    assert request.run_key.startswith("landing:2021-03:")
    assert request.tags["hotline/trigger"] == "landing"

    again = _tick(sensor, instance, resources, first.cursor, definitions)
    assert again.run_requests == []

    _write(landing / "2021-03" / "orders.csv", "order_id\nA1\nA2\n")  # a corrected export
    changed = _tick(sensor, instance, resources, again.cursor, definitions)
    [second] = changed.run_requests
    assert second.partition_key == "2021-03" and second.run_key != request.run_key
    assert json.loads(changed.cursor)["2021-03"] != json.loads(first.cursor)["2021-03"]
    assert _tick(sensor, instance, resources, changed.cursor, definitions).run_requests == []


def test_the_landing_sensor_skips_months_already_run_and_the_current_month(
    monkeypatch, definitions, instance, resources
):
    monkeypatch.setenv("HOTLINE_LANDING_SETTLE_SECONDS", "0")
    sensor = _landing_sensor(definitions)
    landing = Path(resources["files"].landing_dir)
    _write(landing / "units.csv", "unit_code\nLYG0101\n")
    _write(landing / "2021-01" / "orders.csv", "order_id\nA1\n")
    _write(landing / "2021-02" / "orders.csv", "order_id\nA1\n")
    current = datetime.now(SHANGHAI).strftime("%Y-%m")
    _write(landing / current / "orders.csv", "order_id\nA1\n")
    # 2021-01's bulletin was written after its files arrived (e.g. by `hotline run`)
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key="bulletin", partition="2021-01"))

    result = _tick(sensor, instance, resources, None, definitions)
    assert [request.partition_key for request in result.run_requests] == ["2021-02"]
    assert current not in json.loads(result.cursor)
