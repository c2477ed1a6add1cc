"""Real servers for the alert tests, on 127.0.0.1 and ephemeral ports, stdlib only.

* `HttpRecorder`: an HTTP server that records every POST (path, query, headers, JSON body) and
  answers with a configurable status and JSON (WeCom/DingTalk answer `{"errcode": 0, ...}`).
* `SmtpRecorder`: a small SMTP server (EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET,
  NOOP, QUIT) that records every message as received on the wire.
"""

from __future__ import annotations

import base64
import json
import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

SOCKET_TIMEOUT_SECONDS = 5


@dataclass
class HttpRequestRecord:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


class _LoopbackServer:
    """A socketserver on 127.0.0.1 served from a daemon thread while the `with` block runs."""

    server: socketserver.BaseServer
    port: int

    def _serve_in_background(self) -> None:
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class HttpRecorder(_LoopbackServer):
    def __init__(self) -> None:
        self.requests: list[HttpRequestRecord] = []
        self.status = 200
        self.reply: Any = {"errcode": 0, "errmsg": "ok"}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                recorder.requests.append(
                    HttpRequestRecord(
                        path=parts.path,
                        query=parse_qs(parts.query),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=json.loads(raw.decode("utf-8")),
                    )
                )
                payload = json.dumps(recorder.reply).encode("utf-8")
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = SOCKET_TIMEOUT_SECONDS
        self._serve_in_background()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@dataclass
class SmtpMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    auth: tuple[str, str] | None
    tls: bool

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class _Session:
    tls: bool = False
    auth: tuple[str, str] | None = None
    mail_from: str = ""
    rcpt_tos: list[str] = field(default_factory=list)


class SmtpRecorder(_LoopbackServer):
    def __init__(self, credentials: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.messages: list[SmtpMessage] = []
        self.credentials = credentials
        self.tls = tls
        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = SOCKET_TIMEOUT_SECONDS

            def send(self, line: str) -> None:
                self.wfile.write(line.encode("ascii") + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                session = _Session()
                self.send("220 127.0.0.1 ESMTP test recorder")
                try:
                    self._loop(session)
                except (TimeoutError, ConnectionError, ssl.SSLError, OSError):
                    return

            def _loop(self, session: _Session) -> None:
                while True:
                    raw = self.rfile.readline(65536)
                    if not raw:
                        return
                    line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                    verb, _, arg = line.partition(" ")
                    verb = verb.upper()
                    if verb == "EHLO":
                        lines = ["127.0.0.1"]
                        if recorder.tls is not None and not session.tls:
                            lines.append("STARTTLS")
                        lines += ["AUTH PLAIN", "8BITMIME"]
                        for index, text in enumerate(lines):
                            self.send(("250 " if index == len(lines) - 1 else "250-") + text)
                    elif verb == "HELO":
                        self.send("250 127.0.0.1")
                    elif verb == "STARTTLS" and recorder.tls is not None:
                        self.send("220 ready to start TLS")
                        wrapped = recorder.tls.wrap_socket(self.connection, server_side=True)
                        self.connection = self.request = wrapped
                        self.rfile = wrapped.makefile("rb")
                        self.wfile = wrapped.makefile("wb")
                        session.tls = True
                    elif verb == "AUTH":
                        mechanism, _, initial = arg.partition(" ")
                        if mechanism.upper() != "PLAIN":
                            self.send("504 unrecognized authentication type")
                            continue
                        if not initial:
                            self.send("334 ")
                            initial = self.rfile.readline().decode("ascii").strip()
                        _, user, password = base64.b64decode(initial).decode("utf-8").split("\0")
                        if recorder.credentials is not None and (user, password) != recorder.credentials:
                            self.send("535 5.7.8 authentication credentials invalid")
                            continue
                        session.auth = (user, password)
                        self.send("235 2.7.0 authentication successful")
                    elif verb == "MAIL":
                        if recorder.credentials is not None and session.auth is None:
                            self.send("530 5.7.0 authentication required")
                            continue
                        session.mail_from = arg.split(":", 1)[1].split()[0].strip("<>")
                        session.rcpt_tos = []
                        self.send("250 OK")
                    elif verb == "RCPT":
                        session.rcpt_tos.append(arg.split(":", 1)[1].strip().strip("<>"))
                        self.send("250 OK")
                    elif verb == "DATA":
                        self.send("354 end data with <CR><LF>.<CR><LF>")
                        chunks = []
                        while True:
                            data_line = self.rfile.readline(1 << 20)
                            if data_line in (b".\r\n", b".\n", b""):
                                break
                            if data_line.startswith(b".."):
                                data_line = data_line[1:]
                            chunks.append(data_line)
                        recorder.messages.append(
                            SmtpMessage(
                                mail_from=session.mail_from,
                                rcpt_tos=list(session.rcpt_tos),
                                data=b"".join(chunks),
                                auth=session.auth,
                                tls=session.tls,
                            )
                        )
                        self.send("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        self.send("250 OK")
                    elif verb == "QUIT":
                        self.send("221 bye")
                        return
                    else:
                        self.send("502 command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self._serve_in_background()


def free_port() -> int:
    """A port nothing listens on (bound then released), for delivery-failure tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
