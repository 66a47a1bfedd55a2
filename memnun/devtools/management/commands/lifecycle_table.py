"""manage.py lifecycle_table [--write]: the generated tables of docs/lifecycle.md, from the code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from memnun.devtools.lifecycle_doc import LIFECYCLE_DOC, lifecycle_doc_regenerated
from memnun.feedback.moves import moves_markdown


class Command(BaseCommand):
    help = "Print the lifecycle's table of moves, or write it into docs/lifecycle.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write", action="store_true", help=f"Rewrite the table in {LIFECYCLE_DOC}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"]:
            self.stdout.write(moves_markdown(), ending="")
            return
        document = LIFECYCLE_DOC.read_text(encoding="utf-8")
        LIFECYCLE_DOC.write_text(lifecycle_doc_regenerated(document), encoding="utf-8")
        self.stdout.write(f"{LIFECYCLE_DOC}: table regenerated.")
