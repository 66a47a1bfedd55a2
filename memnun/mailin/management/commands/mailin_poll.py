"""`manage.py mailin_poll`: fetch and record the unseen mail of the IMAP mailbox once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from memnun.mailin.imap import imap_poll


class Command(BaseCommand):
    help = "Fetch the unseen messages of MEMNUN_IMAP_FOLDER and record them as feedback or replies."

    def handle(self, *args: Any, **options: Any) -> None:
        report = imap_poll()
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(report.by_status.items())) or "none"
        self.stdout.write(
            f"fetched {report.fetched}: {statuses}; duplicates {report.duplicates};"
            f" failed {report.failed}"
        )
