"""Every response carries the security headers; production mode (MEMNUN_HTTPS) adds HSTS,
secure cookies and the redirect to HTTPS.

Issue 13, finding 5: the API guard's 405/413/415/422 and gunicorn's own 400/414 pages
lacked them. The first half asks Django (the test client); the second starts a real
gunicorn, as `memnun serve` does, on a free port and speaks HTTP to it over a socket.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import feedback_payload

ROOT = Path(__file__).resolve().parent.parent


def assert_protected(headers: Any, *, hsts: bool = False) -> None:
    """The headers a browser needs to keep the page safe, whatever the status."""
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'none'", "script-src 'self'"):
        assert directive in csp, csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"  # personal data stays out of caches
    assert "Access-Control-Allow-Origin" not in headers  # no other site reads our answers
    if hsts:
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in headers


# ---- Django, through the test client ---------------------------------------------------

def _json_post(client: Client, body: bytes, **extra: str) -> Any:
    return client.generic(
        "POST", "/api/v1/feedback", body, content_type="application/json", **extra
    )


DJANGO_ANSWERS: list[tuple[str, int, Callable[[Client], Any]]] = [
    ("portal page", 200, lambda c: c.get("/")),
    ("page not found", 404, lambda c: c.get("/no-such-page/")),
    ("API path not found", 404, lambda c: c.get("/api/v1/no-such-path")),
    ("API method not allowed", 405, lambda c: c.delete("/api/v1/feedback")),
    ("portal method not allowed", 405, lambda c: c.put("/track/")),
    ("API body too large", 413,
     lambda c: _json_post(c, b"{}", CONTENT_LENGTH=str(settings.API_MAX_BODY_BYTES + 1))),
    ("API body not JSON", 415,
     lambda c: c.post("/api/v1/feedback", "a=1", content_type="text/plain")),
    ("API body with NUL", 422, lambda c: _json_post(c, b'{"subject": "a\\u0000b"}')),
    ("API bad Content-Length", 400, lambda c: _json_post(c, b"{}", CONTENT_LENGTH="many")),
    ("API invalid payload", 422, lambda c: _json_post(c, b'{"type": "x"}')),
    ("API unauthenticated", 401, lambda c: c.get("/api/v1/feedback/26-000001-4")),
    ("desk redirect to login", 302, lambda c: c.get("/desk/")),
    ("server error", 500, lambda c: c.get("/failing-for-the-test")),
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security_urls")
@pytest.mark.parametrize(("status", "ask"), [(s, a) for _, s, a in DJANGO_ANSWERS],
                         ids=[name for name, _, _ in DJANGO_ANSWERS])
def test_every_django_answer_carries_the_headers(
    demo: None, status: int, ask: Callable[[Client], Any]
) -> None:
    response = ask(Client(raise_request_exception=False))
    assert response.status_code == status, response.content[:300]
    assert_protected(response)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.security_urls")
def test_a_server_error_tells_nothing_of_the_failure(demo: None) -> None:
    """ASVS 7.4.1: a generic page, no trace, no exception text."""
    response = Client(raise_request_exception=False).get("/failing-for-the-test")
    assert response.status_code == 500
    text = response.content.decode()
    assert "a bug" not in text and "Traceback" not in text and "RuntimeError" not in text


@pytest.mark.django_db
def test_refused_csrf_and_throttled_tracking_carry_the_headers(demo: None, api: Client) -> None:
    forged = Client(enforce_csrf_checks=True).post("/track/", {"reference": "x", "code": "y"})
    assert forged.status_code == 403
    assert_protected(forged)
    created = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json")
    reference = created.json()["reference"]
    for _ in range(settings.TRACK_MISSES_PER_HOUR):
        api.get(f"/api/v1/track/{reference}", {"code": "AAAA-BBBB"})
    throttled = api.get(f"/api/v1/track/{reference}", {"code": "AAAA-BBBB"})
    assert throttled.status_code == 429
    assert_protected(throttled)


@pytest.mark.django_db
def test_https_mode_redirects_and_sends_hsts_with_secure_cookies(demo: None) -> None:
    """MEMNUN_HTTPS's settings, as the test client sees them (the env → settings path
    is proved against a real server below)."""
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        client = Client()
        plain = client.get("/feedback/new/?x=1")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/feedback/new/?x=1"
        assert_protected(plain)
        assert client.get("/healthz").status_code == 200  # load balancers probe over HTTP
        secure = client.get("/feedback/new/", HTTP_X_FORWARDED_PROTO="https")
        assert secure.status_code == 200
        assert_protected(secure, hsts=True)
        assert secure.cookies["csrftoken"]["secure"] is True
        refused = client.post("/api/v1/feedback", "a", content_type="text/plain",
                              HTTP_X_FORWARDED_PROTO="https")
        assert refused.status_code == 415
        assert_protected(refused, hsts=True)


def test_the_headers_built_once_follow_a_changed_setting() -> None:
    from memnun.security_headers import security_headers

    assert "Strict-Transport-Security" not in security_headers(secure=True)
    with override_settings(SECURE_HSTS_SECONDS=600, X_FRAME_OPTIONS="SAMEORIGIN"):
        changed = security_headers(secure=True)
        assert changed["Strict-Transport-Security"] == "max-age=600"
        assert changed["X-Frame-Options"] == "SAMEORIGIN"
    assert "Strict-Transport-Security" not in security_headers(secure=True)
    assert security_headers(secure=True)["X-Frame-Options"] == "DENY"

def test_the_proxy_header_setting_is_read_as_header_and_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from memnun.env import env_header

    assert env_header("MEMNUN_TEST_HEADER", "X-Forwarded-Proto: https") == (
        "HTTP_X_FORWARDED_PROTO", "https"
    )
    monkeypatch.setenv("MEMNUN_TEST_HEADER", " X-Scheme :https ")
    assert env_header("MEMNUN_TEST_HEADER", "") == ("HTTP_X_SCHEME", "https")
    monkeypatch.setenv("MEMNUN_TEST_HEADER", "")
    assert env_header("MEMNUN_TEST_HEADER", "X-Forwarded-Proto: https") is None
    for wrong in ("X-Forwarded-Proto", "X Forwarded: https", ": https", "X-Scheme:"):
        monkeypatch.setenv("MEMNUN_TEST_HEADER", wrong)
        with pytest.raises(ImproperlyConfigured, match="Header-Name: value"):
            env_header("MEMNUN_TEST_HEADER", "")


# ---- a real gunicorn, as `memnun serve` starts it --------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def __contains__(self, name: str) -> bool:
        return name.lower() in self.headers


def speak(port: int, request: bytes) -> Answer:
    """Send raw bytes, read the whole answer (the server closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    cookies = []
    for line in lines:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            cookies.append(value.strip())
        headers[name.strip().lower()] = value.strip()
    return Answer(int(status_line.split()[1]), headers, cookies, body)


def get(port: int, path: str, *extra: str) -> Answer:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", *extra]
    return speak(port, ("\r\n".join(lines) + "\r\n\r\n").encode())


def post_json(port: int, path: str, body: bytes, *extra: str) -> Answer:
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
             "Content-Type: application/json", *extra]
    if not any(h.lower().startswith("content-length") for h in extra):
        lines.append(f"Content-Length: {len(body)}")
    return speak(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)


@pytest.fixture(scope="module")
def database_url(django_db_setup: None) -> str:
    """The test database, so that the server runs on the engine under test."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _serve(database_url: str, data_dir: Path, **env: str) -> Iterator[int]:
    from tests.test_cli import free_port

    port = free_port()
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("MEMNUN_TESTING", "DATABASE_URL") and not k.startswith("MEMNUN_")}
    environment.update({"DATABASE_URL": database_url, "MEMNUN_DATA_DIR": str(data_dir),
                        "MEMNUN_DEMO": "1", "MEMNUN_LOG_LEVEL": "WARNING", **env})
    server = subprocess.Popen(
        [sys.executable, "-m", "memnun.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def demo_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """`make run`'s configuration: the demo on loopback, plain HTTP."""
    yield from _serve(database_url, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def https_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Production mode behind a proxy that says `X-Scheme: https` for what came over TLS."""
    yield from _serve(database_url, tmp_path_factory.mktemp("https"), MEMNUN_HTTPS="1",
                      MEMNUN_PROXY_SSL_HEADER="X-Scheme: https")


GUNICORN_PAGES: list[tuple[str, int, bytes]] = [
    ("malformed request line", 400, b"NONSENSE\r\n\r\n"),
    ("invalid header name", 400,
     b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n"),
    ("request line too long", 414,
     b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
    ("too many header fields", 431,
     b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
     + b"".join(b"X-H%d: v\r\n" % i for i in range(200)) + b"\r\n"),
]


@pytest.mark.slow
@pytest.mark.django_db
def test_gunicorn_and_django_answers_carry_the_headers(demo_server: int) -> None:
    port = demo_server
    for name, status, request in GUNICORN_PAGES:
        answer = speak(port, request)
        assert answer.status == status, (name, answer.status, answer.body[:200])
        assert_protected(answer)
        assert answer["Content-Type"] == "text/html; charset=utf-8"
        assert b"NONSENSE" not in answer.body and b"Bad Header" not in answer.body  # no echo

    django_answers = [
        (404, get(port, "/no-such-page/")),
        (405, speak(port, b"DELETE /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Connection: close\r\n\r\n")),
        (413, post_json(port, "/api/v1/feedback", b"{}", "Content-Length: 999999999")),
        (415, speak(port, b"POST /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: text/plain\r\nContent-Length: 3\r\n"
                          b"Connection: close\r\n\r\na=1")),
        (422, post_json(port, "/api/v1/feedback", b'{"subject": "a\\u0000b"}')),
        (200, get(port, "/feedback/new/")),
    ]
    for status, answer in django_answers:
        assert answer.status == status, (status, answer.body[:300])
        assert_protected(answer)
        assert answer["Server"] == "gunicorn"  # no version to look up weaknesses by
    assert django_answers[-1][1]["Content-Type"] == "text/html; charset=utf-8"
    assert b'"error": "invalid"' in django_answers[4][1].body  # the API's own error shape

    # `make run` on loopback: plain HTTP, no redirect, no HSTS, cookies without Secure.
    page = django_answers[-1][1]
    assert page.cookies and not any("secure" in c.lower() for c in page.cookies)


@pytest.mark.slow
@pytest.mark.django_db
def test_https_mode_on_a_real_server(https_server: int) -> None:
    port = https_server
    plain = get(port, "/feedback/new/?x=1")
    assert plain.status == 301
    assert plain["Location"] == f"https://127.0.0.1:{port}/feedback/new/?x=1"
    assert_protected(plain)
    assert get(port, "/healthz").status == 200

    behind_tls = get(port, "/feedback/new/", "X-Scheme: https")
    assert behind_tls.status == 200
    assert_protected(behind_tls, hsts=True)
    assert behind_tls.cookies and all("; secure" in c.lower() for c in behind_tls.cookies)

    refused = post_json(port, "/api/v1/feedback", b"{}", "X-Scheme: https",
                        "Content-Length: 999999999")
    assert refused.status == 413
    assert_protected(refused, hsts=True)
    own_page = speak(port, b"NONSENSE\r\n\r\n")
    assert own_page.status == 400
    assert_protected(own_page, hsts=True)
