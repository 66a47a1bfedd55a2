"""Polling an IMAP mailbox: each unseen message is recorded, then flagged as seen.

A message is flagged only after it is recorded (committed), so a crash in
between fetches it again on the next poll, and the unique Message-ID makes
that second delivery a no-op. A message that fails to record stays unseen and
is tried again next time.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from memnun.mailin.services import mail_receive

logger = logging.getLogger("memnun.mailin")


@dataclass
class PollReport:
    fetched: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    failed: int = 0


def _connect() -> imaplib.IMAP4:
    host, port = settings.MEMNUN_IMAP_HOST, settings.MEMNUN_IMAP_PORT
    if not host:
        raise ImproperlyConfigured("MEMNUN_IMAP_HOST is not set")
    if settings.MEMNUN_IMAP_TLS:
        context = ssl.create_default_context(cafile=settings.MEMNUN_IMAP_CA_FILE or None)
        return imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=30)
    return imaplib.IMAP4(host, port, timeout=30)


def _raw(parts: list[object]) -> bytes | None:
    for part in parts:
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], bytes):
            return part[1]
    return None


def imap_poll(*, limit: int = 200) -> PollReport:
    """Record up to `limit` unseen messages of the configured folder."""
    report = PollReport()
    imap = _connect()
    try:
        imap.login(settings.MEMNUN_IMAP_USER, settings.MEMNUN_IMAP_PASSWORD)
        status, _ = imap.select(settings.MEMNUN_IMAP_FOLDER)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {settings.MEMNUN_IMAP_FOLDER}")
        status, data = imap.uid("SEARCH", "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids[:limit]:
            status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _raw(list(parts or [])) if status == "OK" else None
            if raw is None:
                report.failed += 1
                continue
            report.fetched += 1
            try:
                received = mail_receive(raw=raw, source="imap")
            except Exception:
                logger.exception("imap: message uid %s could not be recorded", uid)
                report.failed += 1
                continue
            report.duplicates += received.duplicate
            report.by_status[received.status] = report.by_status.get(received.status, 0) + 1
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return report
