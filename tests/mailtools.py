"""Real mail servers on loopback for the tests: an SMTP sink, a fake SMS provider, dovecot.

Each starts on a free 127.0.0.1 port and is stopped by its fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())


@dataclass
class SmtpSink:
    """Accepts mail (or answers with the queued replies first) and keeps what it accepted."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)  # answered to DATA, in order
    rcpt_replies: list[str] = field(default_factory=list)  # answered to RCPT TO, in order
    # A slow server: each DATA waits this long before it is accepted, so that a test can
    # kill a sender mid-send (`data_started` counts the DATA commands that have arrived).
    data_delay: float = 0.0
    data_started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            reply = self.rcpt_replies.pop(0) if self.rcpt_replies else ""
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_started += 1
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            reply = self.data_replies.pop(0) if self.data_replies else ""
            if reply:
                return reply
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 2.0.0 queued"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} message(s), got {len(self.received)}")
            time.sleep(0.01)
        return self.received


@contextlib.contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict[str, Any]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 5,
    }


@dataclass
class SmsProvider:
    """A tiny HTTP SMS API: records each request, answers with the queued replies first."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)


@contextlib.contextmanager
def sms_provider() -> Iterator[SmsProvider]:
    provider = SmsProvider()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                provider.requests.append({"headers": dict(self.headers), "body": body})
                reply = provider.replies.pop(0) if provider.replies else None
                number = len(provider.requests)
            status, headers, content = reply or (
                200, {}, json.dumps({"id": f"sms-{number}"}).encode()
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with http_serving(Handler) as port:
        provider.url = f"http://127.0.0.1:{port}/v1/messages"
        yield provider


@contextlib.contextmanager
def http_serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    """An HTTP server on a free loopback port in a thread (its port), stopped on exit."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- dovecot -----------------------------------------------------------------------------

DOVECOT_USER = "memnun"
DOVECOT_PASSWORD = "imap-test-password"


def dovecot_unavailable() -> str:
    """Why dovecot cannot run here, or "" when it can."""
    if shutil.which("dovecot") is None:
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if os.geteuid() != 0:
        return "the dovecot fixture runs dovecot as root (it drops to dovenull/dovecot/nobody)"
    for user in ("dovenull", "dovecot", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"system user {user} is missing (installed by dovecot-core)"
    return ""


@dataclass
class Dovecot:
    host: str
    port: int
    tls: bool
    ca_file: str
    user: str = DOVECOT_USER
    password: str = DOVECOT_PASSWORD

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self._login() as imap:
            status, detail = imap.append(folder, None, None, raw)
            assert status == "OK", detail

    def clear(self, folder: str = "INBOX") -> None:
        """Expunge every message, so that a shared server starts each test empty."""
        with self._login() as imap:
            imap.select(folder)
            imap.uid("STORE", "1:*", "+FLAGS.SILENT", "(\\Deleted)")
            imap.expunge()

    def _login(self) -> Any:
        import imaplib
        import ssl

        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file)
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context)
        else:
            imap = imaplib.IMAP4(self.host, self.port)
        imap.login(self.user, self.password)
        return imap

    def unseen(self, folder: str = "INBOX") -> int:
        with self._login() as imap:
            imap.select(folder, readonly=True)
            _, data = imap.uid("SEARCH", "UNSEEN")
            return len(data[0].split()) if data and data[0] else 0

    def settings(self) -> dict[str, Any]:
        return {
            "MEMNUN_IMAP_HOST": self.host,
            "MEMNUN_IMAP_PORT": self.port,
            "MEMNUN_IMAP_USER": self.user,
            "MEMNUN_IMAP_PASSWORD": self.password,
            "MEMNUN_IMAP_TLS": self.tls,
            "MEMNUN_IMAP_CA_FILE": self.ca_file,
            "MEMNUN_IMAP_FOLDER": "INBOX",
        }


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def dovecot(*, tls: bool = False) -> Iterator[Dovecot]:
    """A private dovecot on a free loopback port: passwd-file auth, maildir in a temp dir.

    It runs as root like a system dovecot, but its login, internal and mail
    processes run as dovenull, dovecot and nobody: dovecot refuses root for those.
    The temp dir is world-readable (pytest's own tmp_path is not) so they can reach it.
    """
    root = Path(tempfile.mkdtemp(prefix="memnun-dovecot-"))
    root.chmod(0o755)
    nobody = pwd.getpwnam("nobody")
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, nobody.pw_uid, nobody.pw_gid)
    port = free_port()
    passwd = root / "passwd"
    passwd.write_text(
        f"{DOVECOT_USER}:{{PLAIN}}{DOVECOT_PASSWORD}:{nobody.pw_uid}:{nobody.pw_gid}"
        f"::{mail}/{DOVECOT_USER}::\n"
    )
    ssl_lines = "ssl = no\n"
    listeners = f"  inet_listener imap {{\n    port = {port}\n  }}\n" \
                "  inet_listener imaps {\n    port = 0\n  }\n"
    ca_file = ""
    if tls:
        cert, key = _self_signed(root)
        ca_file = str(cert)
        ssl_lines = f"ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\n"
        listeners = "  inet_listener imap {\n    port = 0\n  }\n" \
                    f"  inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n"
    config = root / "dovecot.conf"
    config.write_text(
        "protocols = imap\n"
        "listen = 127.0.0.1\n"
        f"base_dir = {root}/run\n"
        f"state_dir = {root}/state\n"
        f"instance_name = memnun-test-{port}\n"
        f"log_path = {root}/dovecot.log\n"
        "default_internal_user = dovecot\n"
        "default_internal_group = dovecot\n"
        "default_login_user = dovenull\n"
        "disable_plaintext_auth = no\n"
        "auth_mechanisms = plain login\n"
        f"mail_location = maildir:{mail}/%u\n"
        "first_valid_uid = 100\n"
        + ssl_lines
        + "passdb {\n  driver = passwd-file\n"
        f"  args = scheme=PLAIN username_format=%u {passwd}\n}}\n"
        f"userdb {{\n  driver = passwd-file\n  args = username_format=%u {passwd}\n}}\n"
        "service imap-login {\n" + listeners + "  chroot =\n}\n"
        "service anvil {\n  chroot =\n}\n"
    )
    (root / "run").mkdir()
    (root / "state").mkdir()
    # The master daemonises: with captured output, run() would wait for it to exit.
    subprocess.run(
        ["dovecot", "-c", str(config)], check=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    pid_file = root / "run" / "master.pid"
    try:
        deadline = time.monotonic() + 10
        while not pid_file.exists() or not _listening(port):
            if time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start:\n{log}")
            time.sleep(0.05)
        yield Dovecot(host="127.0.0.1", port=port, tls=tls, ca_file=ca_file)
    finally:
        _stop(config, pid_file)
        shutil.rmtree(root, ignore_errors=True)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _stop(config: Path, pid_file: Path) -> None:
    """SIGTERM to the master we started, by its pid (`doveadm stop` takes seconds)."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        subprocess.run(
            ["doveadm", "-c", str(config), "stop"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
