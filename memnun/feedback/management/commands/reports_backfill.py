from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from memnun.feedback.services.facts_backfill import BACKFILL_BATCH, facts_backfill


class Command(BaseCommand):
    help = (
        "Compute the report facts (business durations to acknowledgement, first response,"
        " decision and close) of cases that lack them. Idempotent; progress on stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BACKFILL_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\rreport facts: {done}/{total} cases", ending="")
            self.stderr.flush()

        written = facts_backfill(batch_size=options["batch_size"], progress=progress)
        self.stderr.write("")
        self.stdout.write(f"Report facts written for {written} cases.")
