from typing import Any

from django.core.management.base import BaseCommand

from memnun.feedback.services.report_rollup import rollup_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the report rollup from the cases (run reports_backfill first on cases"
        " recorded before the report facts). Progress on stderr."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\rreport rollup: {done}/{total} days", ending="")
            self.stderr.flush()

        days = rollup_rebuild(progress=progress)
        self.stderr.write("")
        self.stdout.write(f"Report rollup rebuilt: {days} days.")
