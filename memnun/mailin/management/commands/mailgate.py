"""`manage.py mailgate`: record one raw e-mail read from standard input (for the MTA).

Exit codes follow sysexits, as MTAs expect: 0 recorded (or ignored, or already
seen), 65 (EX_DATAERR) empty or unreadable input, 75 (EX_TEMPFAIL) the database
could not be reached — the MTA keeps the mail and tries again.
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from memnun.mailin.services import mail_receive

EX_DATAERR = 65
EX_TEMPFAIL = 75
MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Record one e-mail from standard input as feedback or as a reply to a case."
    stealth_options = ("stdin",)

    def handle(self, *args: Any, **options: Any) -> None:
        stream: BinaryIO = options.get("stdin") or sys.stdin.buffer
        raw = stream.read(MAX_BYTES + 1)
        if not raw.strip() or len(raw) > MAX_BYTES:
            self.stderr.write("mailgate: no message, or larger than 50 MB")
            raise SystemExit(EX_DATAERR)
        try:
            received = mail_receive(raw=raw, source="mailgate")
        except DatabaseError as exc:
            self.stderr.write(f"mailgate: database unavailable, try again later ({exc})")
            raise SystemExit(EX_TEMPFAIL) from exc
        note = " (already recorded)" if received.duplicate else ""
        self.stdout.write(
            f"{received.status} {received.reference or '-'} {received.message.message_id}{note}"
        )
