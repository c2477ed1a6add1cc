"""Triggers of the monthly job: a schedule on the 3rd and a sensor on the landing folder.

* `monthly_bulletin_schedule`: at 06:00 Asia/Shanghai on the 3rd of every month, evaluate the
  previous month (`month_to_evaluate`).
* `landing_folder_sensor`: when `<landing>/<YYYY-MM>/` holds every required input (orders; units in
  the month folder or at the landing root, `pipelines/ingest/locate.py`), start that month's run,
  once per distinct set of file sizes and mtimes (the cursor keeps each month's fingerprint, the
  run key makes the request idempotent). Files younger than `HOTLINE_LANDING_SETTLE_SECONDS` are
  taken as still being copied. On a month the sensor has not seen yet, no run is started when the
  month's bulletin was materialized after its newest file (the run already happened).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.contract import INPUTS
from pipelines.ingest.errors import InputFileError
from pipelines.ingest.locate import find_input_file
from pipelines.months import is_month
from pipelines.partitions import FIRST_MONTH, MONTH_FORMAT, monthly_partitions, previous_month
from pipelines.resources import HotlineFiles

SCHEDULE_NAME = "monthly_bulletin_schedule"
LANDING_SENSOR_NAME = "landing_folder_sensor"
SCHEDULE_CRON = "0 6 3 * *"
SCHEDULE_TIMEZONE = "Asia/Shanghai"
BULLETIN_KEY = dg.AssetKey("bulletin")
DEFAULT_SETTLE_SECONDS = 60.0
TRIGGER_TAG = "hotline/trigger"


# -- the schedule ----------------------------------------------------------------------------------
def month_to_evaluate(scheduled: datetime, timezone: str = SCHEDULE_TIMEZONE) -> str:
    """The month before the one `scheduled` falls in, on the calendar of `timezone`."""
    local = scheduled.astimezone(ZoneInfo(timezone)) if scheduled.tzinfo else scheduled
    return previous_month(local.strftime(MONTH_FORMAT))


def build_monthly_schedule(job, default_status: dg.DefaultScheduleStatus) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=SCHEDULE_NAME,
        job=job,
        cron_schedule=SCHEDULE_CRON,
        execution_timezone=SCHEDULE_TIMEZONE,
        default_status=default_status,
        description="On the 3rd at 06:00 (Asia/Shanghai): the previous month's run.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        when = context.scheduled_execution_time or datetime.now(ZoneInfo(SCHEDULE_TIMEZONE))
        month = month_to_evaluate(when)
        if month < FIRST_MONTH:
            return dg.SkipReason(f"{month} is before the first evaluated month {FIRST_MONTH}")
        return dg.RunRequest(
            partition_key=month,
            run_key=f"schedule:{month}",
            tags={TRIGGER_TAG: "schedule"},
        )

    return _schedule


# -- the landing folder ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LandingMonth:
    month: str
    #: (path, size, mtime_ns) of every input file the month's run would load
    files: tuple[tuple[str, int, int], ...]

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.files).encode("utf-8")).hexdigest()[:16]

    @property
    def newest_mtime(self) -> float:
        return max(mtime for _, _, mtime in self.files) / 1e9


@dataclass
class LandingScan:
    ready: dict[str, LandingMonth]
    #: month → why it is not ready (a required file missing, ambiguous, or still being copied)
    waiting: dict[str, str]


def scan_landing(landing: Path, now: float, settle_seconds: float) -> LandingScan:
    """Months of the landing folder whose required files are all there and settled."""
    scan = LandingScan(ready={}, waiting={})
    landing = Path(landing)
    if not landing.is_dir():
        return scan
    for folder in sorted(landing.iterdir()):
        month = folder.name
        if not folder.is_dir() or not is_month(month) or month < FIRST_MONTH:
            continue
        files, problems = [], []
        for spec in INPUTS:
            try:
                path = find_input_file(landing, month, spec)
                if path is not None:
                    stat = path.stat()
                    files.append((str(path), stat.st_size, stat.st_mtime_ns))
            except InputFileError as error:
                problems.append(error.problem)
            except OSError as error:  # removed while scanning
                problems.append(f"{spec.name}: {error}")
        if problems:
            scan.waiting[month] = "; ".join(problems)
            continue
        found = LandingMonth(month=month, files=tuple(sorted(files)))
        if now - found.newest_mtime < settle_seconds:
            scan.waiting[month] = f"files changed less than {settle_seconds:g} s ago"
            continue
        scan.ready[month] = found
    return scan


def landing_requests(
    ready: Mapping[str, LandingMonth],
    seen: Mapping[str, str],
    already_run: Callable[[str, float], bool],
) -> tuple[list[LandingMonth], dict[str, str]]:
    """(months to run, new cursor). A month runs when its fingerprint differs from the one seen;
    a month never seen runs unless `already_run(month, newest_mtime)` (its bulletin is newer)."""
    cursor = dict(seen)
    to_run = []
    for month, found in sorted(ready.items()):
        if cursor.get(month) == found.fingerprint:
            continue
        if month in cursor or not already_run(month, found.newest_mtime):
            to_run.append(found)
        cursor[month] = found.fingerprint
    return to_run, cursor


def settle_seconds_from_env() -> float:
    value = os.environ.get("HOTLINE_LANDING_SETTLE_SECONDS", "").strip()
    try:
        return float(value) if value else DEFAULT_SETTLE_SECONDS
    except ValueError:
        raise ValueError(f"HOTLINE_LANDING_SETTLE_SECONDS must be a number, got {value!r}") from None


def _bulletin_materialized_after(instance: dg.DagsterInstance) -> Callable[[str, float], bool]:
    def _check(month: str, newest_mtime: float) -> bool:
        result = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=BULLETIN_KEY, asset_partitions=[month]), limit=1
        )
        return bool(result.records) and result.records[0].timestamp >= newest_mtime

    return _check


def build_landing_sensor(job, default_status: dg.DefaultSensorStatus) -> dg.SensorDefinition:
    @dg.sensor(
        name=LANDING_SENSOR_NAME,
        job=job,
        minimum_interval_seconds=60,
        default_status=default_status,
        description=(
            "Starts a month's run when <landing>/<YYYY-MM>/ holds every required input, once per "
            "distinct set of files (sizes and mtimes)."
        ),
    )
    def _sensor(context: dg.SensorEvaluationContext, files: HotlineFiles) -> dg.SensorResult:
        scan = scan_landing(files.landing, time.time(), settle_seconds_from_env())
        # the current month is no partition yet: it is run once it is over
        ready = {
            month: found for month, found in scan.ready.items() if monthly_partitions.has_partition_key(month)
        }
        seen = json.loads(context.cursor) if context.cursor else {}
        to_run, cursor = landing_requests(ready, seen, _bulletin_materialized_after(context.instance))
        requests = [
            dg.RunRequest(
                partition_key=found.month,
                run_key=f"landing:{found.month}:{found.fingerprint}",
                tags={TRIGGER_TAG: "landing", "hotline/landing_fingerprint": found.fingerprint},
            )
            for found in to_run
        ]
        waiting = "; ".join(f"{month}: {why}" for month, why in sorted(scan.waiting.items())[-3:])
        skip = "no new landing files" + (f"; waiting: {waiting}" if waiting else "")
        return dg.SensorResult(
            run_requests=requests,
            cursor=json.dumps(cursor, sort_keys=True),
            skip_reason=None if requests else skip,
        )

    return _sensor
