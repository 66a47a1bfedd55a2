"""`memnun privacy destroy [--dry-run] [--now ISO]`: run the destruction job now (K9)."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from memnun.dataprotection.models import DestructionTrigger
from memnun.dataprotection.retention_rules import COUNTS
from memnun.dataprotection.services.destruction import destruction_run


def _moment(text: str) -> datetime:
    """An ISO 8601 date or time; without an offset, Istanbul time (the site's zone)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"--now {text!r}: not an ISO 8601 date or time (e.g. 2036-01-31 or "
            "2036-01-31T23:00+03:00)", returncode=2,
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Destroy the personal data whose retention period has passed (K9), now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true",
            help="count what would be destroyed; change nothing, log nothing",
        )
        parser.add_argument(
            "--now", help="what has expired as of this ISO 8601 time (default: now)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        now = _moment(options["now"]) if options["now"] else timezone.now()
        if now > timezone.now() and not dry_run:
            raise CommandError(
                f"--now {options['now']}: a future time would destroy data before its "
                "period ends; only a dry run (--dry-run) may look ahead", returncode=2,
            )

        def progress(message: str) -> None:
            self.stderr.write(f"memnun: {message}")

        progress(f"{'dry run: ' if dry_run else ''}destroying what expired as of "
                 f"{timezone.localtime(now):%Y-%m-%d %H:%M %Z}")
        summary = destruction_run(
            now=now, trigger=DestructionTrigger.COMMAND, started_by=getpass.getuser(),
            dry_run=dry_run, progress=progress,
        )
        verb = "would be" if dry_run else "was"
        with translation.override("en"):  # the command speaks English, as its messages do
            for key, label in COUNTS.items():
                self.stdout.write(f"{summary.counts.get(key, 0):>8}  {label}")
        for reference, hold in summary.held:
            self.stdout.write(f"kept: {reference} ({hold})")
        if summary.run_id is not None:
            self.stdout.write(f"logged as destruction run {summary.run_id}")
        if summary.nothing_done:
            self.stdout.write(f"nothing {verb} destroyed")
