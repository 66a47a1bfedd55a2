"""A real webhook receiver on loopback: an http.server in a thread, stopped after the test."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests import mailtools


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    # Answered first, in order; then 200.
    replies: list[int] = field(default_factory=list)
    always: int = 0  # when set, every request gets this status


@contextlib.contextmanager
def receiver_running() -> Iterator[Receiver]:
    receiver = Receiver()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                receiver.requests.append(Request(dict(self.headers), body))
                status = receiver.always or (
                    receiver.replies.pop(0) if receiver.replies else 200
                )
            content = b"ok" if status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with mailtools.http_serving(Handler) as port:
        receiver.url = f"http://127.0.0.1:{port}/hooks/memnun"
        yield receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_running() as running:
        yield running


@pytest.fixture
def sink() -> Iterator[mailtools.SmtpSink]:
    from django.test import override_settings

    with mailtools.smtp_sink() as server, override_settings(**mailtools.smtp_settings(server.port)):
        yield server
