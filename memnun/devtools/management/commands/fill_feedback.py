"""manage.py fill_feedback --count N [--offices istanbul ankara] [--seed S] [--no-copy]"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from memnun.devtools.fill import FillProgress, feedback_fill


class Command(BaseCommand):
    help = "Fill the database with plausible feedback for demos and benchmarks (not audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="How many cases.")
        parser.add_argument(
            "--offices", nargs="+", default=None,
            help="Office codes (space- or comma-separated); default every active office.",
        )
        parser.add_argument("--seed", type=int, default=10002)
        parser.add_argument("--days", type=int, default=365, help="Spread over this many days.")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--no-copy", action="store_true",
            help="On PostgreSQL, INSERT (executemany) instead of COPY: to compare the two.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.DEMO or settings.TESTING):
            raise CommandError(
                "fill_feedback writes made-up cases: only with DEBUG or MEMNUN_DEMO."
            )
        count = options["count"]
        if count < 1 or options["batch"] < 1 or options["days"] < 1:
            raise CommandError("--count, --batch and --days must be positive.")
        offices = [c for item in options["offices"] or [] for c in item.split(",") if c]
        step = max(1, count // 10)
        shown = [0]

        def report(p: FillProgress) -> None:
            if p.done - shown[0] >= step or p.done == p.total:
                shown[0] = p.done
                rate = p.done / p.seconds if p.seconds else 0.0
                self.stdout.write(
                    f"{p.done:>9,} / {p.total:,} ({p.done * 100 // p.total:3d} %)"
                    f"  {rate:,.0f} rows/s"
                )

        try:
            done = feedback_fill(
                count=count, offices=offices or None, seed=options["seed"],
                days=options["days"], batch_size=options["batch"], progress=report,
                copy=not options["no_copy"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{done:,} feedback rows written."))
