"""Fixtures for the inbound e-mail tests: raw mail builders, dovecot, the SMTP sink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from tests import files, mailtools

# A real image, that Pillow decodes (feedback/attachments.py re-encodes every picture).
PNG = files.PNG


def build_mail(
    *,
    sender: str = "Işıl Öztürk <isil@example.com>",
    to: str = "sikayet@memnun.local",
    subject: str = "Ekran değişimi gecikti",
    text: str | None = "Telefonum üç haftadır serviste, ekran hâlâ değişmedi.",
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),  # type: ignore[assignment]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def mail() -> Callable[..., bytes]:
    return build_mail


@pytest.fixture
def sink() -> Iterator[mailtools.SmtpSink]:
    with mailtools.smtp_sink() as server, override_settings(**mailtools.smtp_settings(server.port)):
        yield server


def _dovecot(tls: bool) -> Iterator[mailtools.Dovecot]:
    reason = mailtools.dovecot_unavailable()
    if reason:
        pytest.skip(reason)
    with mailtools.dovecot(tls=tls) as server:
        yield server


@pytest.fixture(scope="module")
def _plain_dovecot() -> Iterator[mailtools.Dovecot]:
    yield from _dovecot(False)


@pytest.fixture(scope="module")
def _tls_dovecot() -> Iterator[mailtools.Dovecot]:
    yield from _dovecot(True)


@pytest.fixture
def imap_server(_plain_dovecot: mailtools.Dovecot) -> Iterator[mailtools.Dovecot]:
    """A real IMAP server (dovecot) on loopback, plain IMAP, empty, with memnun's settings on it.

    One server per test module (stopping dovecot takes seconds); each test starts empty.
    """
    _plain_dovecot.clear()
    with override_settings(**_plain_dovecot.settings()):
        yield _plain_dovecot


@pytest.fixture
def imaps_server(_tls_dovecot: mailtools.Dovecot) -> Iterator[mailtools.Dovecot]:
    """The same over implicit TLS, with its self-signed certificate as the trusted CA."""
    _tls_dovecot.clear()
    with override_settings(**_tls_dovecot.settings()):
        yield _tls_dovecot


def reply_settings() -> dict[str, Any]:
    return {"MEMNUN_REPLY_TO": "sikayet@memnun.local",
            "DEFAULT_FROM_EMAIL": "memnun <noreply@memnun.local>"}
