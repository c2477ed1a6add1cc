"""Sensors and schedules of the code location (wired in pipelines/definitions.py).

Alert sensors (`pipelines/alerts/sensors.py`) run by default: they only read and send. The
triggers (`pipelines/ingest/triggers.py`: the monthly schedule, the landing-folder sensor) start
runs, so they are stopped by default (switch them on in the UI, or set `HOTLINE_TRIGGERS_RUNNING=1`
so that they start running with the daemon).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import dagster as dg

from pipelines.alerts.sensors import (
    check_failure_alerts,
    indicator_anomaly_alerts,
    missing_exports_alerts,
    run_failure_alerts,
)
from pipelines.ingest.triggers import build_landing_sensor, build_monthly_schedule


@dataclass(frozen=True)
class Automation:
    sensors: list[dg.SensorDefinition]
    schedules: list[dg.ScheduleDefinition]


def triggers_running(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("HOTLINE_TRIGGERS_RUNNING", "").strip().lower()
    return value in ("1", "true", "yes", "on")


def build_automation(job, environ: Mapping[str, str] | None = None) -> Automation:
    """The alert sensors, and the schedule and landing sensor that start `job` (monthly partitions)."""
    running = triggers_running(environ)
    sensor_status = dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED
    schedule_status = dg.DefaultScheduleStatus.RUNNING if running else dg.DefaultScheduleStatus.STOPPED
    return Automation(
        sensors=[
            check_failure_alerts,
            run_failure_alerts,
            indicator_anomaly_alerts,
            missing_exports_alerts,
            build_landing_sensor(job, sensor_status),
        ],
        schedules=[build_monthly_schedule(job, schedule_status)],
    )
