"""`memnun privacy inventory --out FILE.xlsx`: the VERBIS-style processing inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from memnun.dataprotection.inventory import inventory_write


class Command(BaseCommand):
    help = "Write the processing inventory (VERBIS) and the processor register as XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--language", choices=["tr", "en"], default=settings.LANGUAGE_CODE[:2],
            help="the language of the headings and texts (default: the site's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{path}: the inventory is written as .xlsx", returncode=2)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory", returncode=2)

        def progress(message: str) -> None:
            self.stderr.write(f"memnun: {message}")

        progress(f"writing {path}")
        try:
            rows = inventory_write(path=path, language=options["language"], progress=progress)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from exc
        progress(f"wrote {path} ({rows} rows)")
