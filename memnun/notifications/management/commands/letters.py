"""`manage.py letters`: list the letters waiting to be printed, export them, mark them printed."""

from __future__ import annotations

import shutil
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from memnun.notifications.letters import letter_mark_printed, letters_to_print
from memnun.text import moment_text


class Command(BaseCommand):
    help = (
        "List the letters waiting to be printed; with --export DIR copy their PDFs there,"
        " and with --mark-printed record them as printed (the acknowledgement time)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--export", metavar="DIR", help="copy the PDFs to this directory")
        parser.add_argument(
            "--mark-printed", action="store_true", help="record the listed letters as printed"
        )
        parser.add_argument("--by", metavar="USERNAME", help="who printed them")

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"no user {options['by']!r}")
        target = Path(options["export"]) if options["export"] else None
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)
        letters = list(letters_to_print())
        for letter in letters:
            message = letter.message
            when = moment_text(letter.created_at)
            line = (
                f"{letter.pk}\t{when}\t{message.thread_key or '-'}\t{message.kind}\t"
                f"{message.recipient}\t{letter.pages}p\t{letter.file.name}"
            )
            if target is not None:
                name = f"{letter.pk:06d}-{message.thread_key or message.pk}-{message.kind}.pdf"
                with letter.file.open("rb") as source, (target / name).open("wb") as out:
                    shutil.copyfileobj(source, out)
                line += f"\t→ {target / name}"
            if options["mark_printed"]:
                letter_mark_printed(letter=letter, by=by)
            self.stdout.write(line)
        self.stdout.write(f"{len(letters)} letter(s) to print" + (
            ", marked printed" if options["mark_printed"] and letters else ""))
