"""Fixtures of the alert tests: real HTTP and SMTP servers on 127.0.0.1, env for the channels, a
Dagster instance, and the resources the sensors take."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from pipelines.resources import HotlineFiles, WarehouseResource
from tests.alerts.servers import HttpRecorder, SmtpRecorder

#: secrets the tests put in the env: none may appear in the alert log or in any captured log
WEBHOOK_KEY = "wk-SECRET-7f3a9c2e51d04b6f"
SMTP_USER = "alerts@hotline.example"
SMTP_PASSWORD = "pw-SECRET-c0ffee-42"
DINGTALK_SECRET = "SECd1ngTalkSign-SECRET-9876"
SECRETS = (WEBHOOK_KEY, SMTP_PASSWORD, DINGTALK_SECRET)

_ALERT_ENV = (
    "HOTLINE_ALERT_LOG",
    "HOTLINE_ALERT_WEBHOOK_URL",
    "HOTLINE_ALERT_WEBHOOK_FORMAT",
    "HOTLINE_ALERT_WEBHOOK_SECRET",
    "HOTLINE_ALERT_SMTP_HOST",
    "HOTLINE_ALERT_SMTP_PORT",
    "HOTLINE_ALERT_SMTP_USER",
    "HOTLINE_ALERT_SMTP_PASSWORD",
    "HOTLINE_ALERT_SMTP_STARTTLS",
    "HOTLINE_ALERT_SMTP_SSL",
    "HOTLINE_ALERT_SMTP_CA_FILE",
    "HOTLINE_ALERT_EMAIL_FROM",
    "HOTLINE_ALERT_EMAIL_TO",
    "HOTLINE_ALERT_SUBJECT_PREFIX",
    "HOTLINE_ALERT_TIMEOUT_SECONDS",
    "HOTLINE_ALERT_MAX_ATTEMPTS",
    "HOTLINE_ALERT_LOOKBACK_HOURS",
    "HOTLINE_ALERT_ORDERS_CHANGE_PCT",
    "HOTLINE_ALERT_ORDERS_MIN",
    "HOTLINE_ALERT_SATISFACTION_CHANGE_POINTS",
    "HOTLINE_ALERT_UPTIME_TARGET",
    "HOTLINE_ALERT_QUARANTINE_SHARE_PCT",
    "HOTLINE_LANDING_SETTLE_SECONDS",
    "HOTLINE_TRIGGERS_RUNNING",
)


@pytest.fixture(autouse=True)
def clean_alert_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No alert env var leaks in from the developer's shell."""
    for name in _ALERT_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def http_server() -> Iterator[HttpRecorder]:
    with HttpRecorder() as server:
        yield server


@pytest.fixture
def smtp_server() -> Iterator[SmtpRecorder]:
    with SmtpRecorder(credentials=(SMTP_USER, SMTP_PASSWORD)) as server:
        yield server


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    path = tmp_path / "output"
    path.mkdir()
    return path


@pytest.fixture
def alert_log(output_dir: Path) -> Path:
    """Where the alert log goes by default: `<output>/alerts.jsonl`."""
    return output_dir / "alerts.jsonl"


def configure_channels(
    monkeypatch: pytest.MonkeyPatch,
    http_server: HttpRecorder,
    smtp_server: SmtpRecorder,
    webhook_format: str,
) -> str:
    """Point the webhook (in the given format) and the email at the test servers; returns the URL."""
    if webhook_format == "wecom":
        url = http_server.url(f"/cgi-bin/webhook/send?key={WEBHOOK_KEY}")
    elif webhook_format == "dingtalk":
        url = http_server.url(f"/robot/send?access_token={WEBHOOK_KEY}")
        monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_SECRET", DINGTALK_SECRET)
    else:
        url = http_server.url(f"/hooks/{WEBHOOK_KEY}")
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_URL", url)
    monkeypatch.setenv("HOTLINE_ALERT_WEBHOOK_FORMAT", webhook_format)
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("HOTLINE_ALERT_SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("HOTLINE_ALERT_EMAIL_FROM", "hotline@center.example")
    monkeypatch.setenv("HOTLINE_ALERT_EMAIL_TO", "duty@center.example; lead@center.example")
    monkeypatch.setenv("HOTLINE_ALERT_TIMEOUT_SECONDS", "5")
    return url


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture
def resources(tmp_path: Path, output_dir: Path) -> dict[str, object]:
    landing = tmp_path / "landing"
    landing.mkdir()
    return {
        "files": HotlineFiles(
            landing_dir=str(landing),
            output_dir=str(output_dir),
            rulebook_path=str(tmp_path / "rulebook.yaml"),
            bulletin_config_path=str(tmp_path / "bulletin.yaml"),
        ),
        "warehouse": WarehouseResource(database=str(tmp_path / "warehouse.duckdb")),
    }


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem doubles as the client's CA file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def server_tls_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
    return context
