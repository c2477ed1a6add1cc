"""Issue 11.4: no public default salt. A random salt is kept in DAGSTER_HOME (mode 600); the
documented default warns outside the demo; the hashes of a real run use the kept salt."""

from __future__ import annotations

import hashlib
import stat
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.salt import DEMO_ENV, resolve_phone_salt, salt_file
from pipelines.settings import DEFAULT_PHONE_SALT, Settings
from tests.support.pipeline_run import PipelineRun

# slow: shares the two-month pipeline run (make test-fast leaves it out)
pytestmark = pytest.mark.slow


def settings_for(home: Path, salt: str = "") -> Settings:
    return replace(Settings.from_env(), dagster_home=home, phone_salt=salt)


def test_without_hotline_phone_salt_a_random_salt_is_kept_in_the_dagster_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("HOTLINE_PHONE_SALT", raising=False)
    assert Settings.from_env().phone_salt == ""
    first = resolve_phone_salt(settings_for(tmp_path / "a"))
    path = salt_file(tmp_path / "a")
    assert first.source == str(path) and first.warning is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.value) == 64 and int(first.value, 16) >= 0
    assert first.value != DEFAULT_PHONE_SALT
    # kept: the next run reads the same salt; another instance gets another one
    assert resolve_phone_salt(settings_for(tmp_path / "a")).value == first.value
    assert resolve_phone_salt(settings_for(tmp_path / "b")).value != first.value


def test_the_documented_default_salt_warns_outside_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(DEMO_ENV, raising=False)
    chosen = resolve_phone_salt(settings_for(tmp_path, DEFAULT_PHONE_SALT))
    assert chosen.value == DEFAULT_PHONE_SALT and chosen.source == "HOTLINE_PHONE_SALT"
    assert chosen.warning is not None and "documented default salt" in chosen.warning
    assert not salt_file(tmp_path).exists()
    monkeypatch.setenv(DEMO_ENV, "1")
    assert resolve_phone_salt(settings_for(tmp_path, DEFAULT_PHONE_SALT)).warning is None
    # a center's own secret: no warning, no file
    own = resolve_phone_salt(settings_for(tmp_path, "a-secret-of-the-center"))
    assert own.value == "a-secret-of-the-center" and own.warning is None


def test_a_salt_file_readable_by_others_warns(tmp_path: Path):
    resolve_phone_salt(settings_for(tmp_path))
    salt_file(tmp_path).chmod(0o644)
    warning = resolve_phone_salt(settings_for(tmp_path)).warning
    assert warning is not None and f"chmod 600 {salt_file(tmp_path)}" in warning


def test_a_runs_phone_hashes_use_the_kept_salt_not_the_documented_one(two_months: PipelineRun):
    salt = salt_file(two_months.dagster_home).read_text(encoding="ascii").strip()
    assert stat.S_IMODE(salt_file(two_months.dagster_home).stat().st_mode) == 0o600
    # the first order of the January export and its caller's number, read from the file itself
    lines = (two_months.landing / "2021-01" / "orders.csv").read_text(encoding="gb18030").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    order_id, phone = first[header.index("工单编号")], first[header.index("来电号码")]
    assert phone.isdigit() and len(phone) == 11
    con = duckdb.connect(str(two_months.warehouse), read_only=True)
    try:
        stored = con.execute(
            "select caller_phone_hash from raw.orders where month = '2021-01' and order_id = ?", [order_id]
        ).fetchone()[0]
    finally:
        con.close()
    assert stored == hashlib.sha256((salt + phone).encode()).hexdigest()
    assert stored != hashlib.sha256((DEFAULT_PHONE_SALT + phone).encode()).hexdigest()
