"""`exports_missing`: a month's required exports not landed by the due day of the next month."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.alerts.exports import (
    due_at,
    expected_exports,
    exports_missing_alert,
    missing_exports,
    month_due,
)
from pipelines.alerts.sensors import missing_exports_alerts
from pipelines.contract import FILE_EXTENSIONS
from tests.alerts.conftest import configure_channels

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: `{csv,xlsx,…}`: every extension the loaders read (contract.md)
EXTENSIONS = "{" + ",".join(FILE_EXTENSIONS) + "}"
REQUIRED = expected_exports()


def test_the_due_day_and_the_month_checked():
    assert due_at("2021-02", 3) == datetime(2021, 3, 3, tzinfo=SHANGHAI)
    assert due_at("2021-12", 3) == datetime(2022, 1, 3, tzinfo=SHANGHAI)
    # 2021-03-02 20:00 UTC is already the 3rd in Shanghai
    assert month_due(datetime(2021, 3, 2, 20, 0, tzinfo=UTC), 3) == "2021-02"
    assert month_due(datetime(2022, 1, 5, tzinfo=SHANGHAI), 3) == "2021-12"
    assert [spec.name for spec in REQUIRED] == ["units", "orders"]
    assert [s.name for s in expected_exports(["test_calls"])] == ["units", "orders", "test_calls"]
    with pytest.raises(ValueError, match="unknown input.*'calls'"):
        expected_exports(["calls"])


def test_an_alert_names_the_folder_and_the_missing_files(tmp_path: Path):
    landing = tmp_path / "landing"
    (landing / "2021-02").mkdir(parents=True)
    (landing / "units.csv").write_text("unit_code\n", encoding="utf-8")  # units at the landing root count
    before = datetime(2021, 3, 2, 23, 59, tzinfo=SHANGHAI)
    on_time = datetime(2021, 3, 3, 0, 0, tzinfo=SHANGHAI)
    assert exports_missing_alert(landing, "2021-02", before, 3, REQUIRED) is None  # not due yet
    alert = exports_missing_alert(landing, "2021-02", on_time, 3, REQUIRED)
    assert alert is not None and alert.key == "exports_missing|2021-02"
    assert alert.details["missing"] == [f"orders.{EXTENSIONS}"]
    assert alert.details["folder"] == str(landing / "2021-02") and alert.details["due"] == "2021-03-03"
    assert str(landing / "2021-02") in alert.subject and "orders" in alert.subject
    (landing / "2021-02" / "orders.csv").write_text("x\n", encoding="utf-8")
    assert exports_missing_alert(landing, "2021-02", on_time, 3, REQUIRED) is None
    # an optional export is expected only when named
    assert missing_exports(landing, "2021-02", expected_exports(["inspections"])) == [
        f"inspections.{EXTENSIONS}"
    ]


def test_the_sensor_alerts_once(monkeypatch, http_server, smtp_server, instance, resources, alert_log):
    configure_channels(monkeypatch, http_server, smtp_server, "json")
    monkeypatch.setenv("HOTLINE_ALERT_EXPORTS_DUE_DAY", "1")  # always due for the previous month
    month = month_due(datetime.now(UTC), 1)
    landing = Path(resources["files"].landing_dir)
    (landing / month).mkdir()
    (landing / month / "units.csv").write_text("unit_code\n", encoding="utf-8")

    def tick():
        context = dg.build_sensor_context(instance=instance, resources=resources)
        return missing_exports_alerts.evaluate_tick(context)

    first = tick()
    assert "exports missing" in (first.skip_message or "")
    assert len(http_server.requests) == 1
    [alert] = http_server.requests[0].body["alerts"]
    assert alert["kind"] == "exports_missing" and alert["details"]["missing"] == [f"orders.{EXTENSIONS}"]
    assert len(smtp_server.messages) == 1
    tick()
    assert len(http_server.requests) == 1 and len(smtp_server.messages) == 1
    assert alert_log.exists()
