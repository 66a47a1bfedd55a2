"""`memnun review-pack --from YYYY-MM-DD --to YYYY-MM-DD --lang tr|en --out DIR`: the
management review pack of a period, as a PDF and an XLSX in DIR (R8.6).

The same files the desk's "make the pack" button makes (desk/review_pack_render.py).
Bad input (a malformed date, `--from` after `--to`, a language other than tr or en, a
directory that does not exist or cannot be written) is refused with a message and exit
code 2 before anything is read. Both files are written beside their final names and
renamed into place only once both are whole: a failure leaves neither. Progress, a line
a section, goes to standard error; the two paths to standard output.

The figures are read as top management reads them (every office), unless `--as` names
a member of staff whose reading rights apply instead.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.desk.review_pack_render import STEPS, pack_file_name, review_pack_files
from memnun.feedback.errors import NotPermitted
from memnun.feedback.selectors.reports.scope import Period

BAD_INPUT = 2
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGES = ("tr", "en")


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _day(value: str | None, option: str) -> date:
    if not value or not _DATE.match(value):
        raise _refuse(f"{option} needs a date as YYYY-MM-DD, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _refuse(f"{option}: {value} is not a date of the calendar") from None


def _out_dir(value: str | None) -> Path:
    if not value:
        raise _refuse("--out needs the directory to write the pack into")
    out = Path(value)
    if not out.is_dir():
        raise _refuse(f"--out: {out} is not a directory")
    try:  # tried, not asked (os.access): a read-only mount says yes to root
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError:
        raise _refuse(f"--out: {out} cannot be written") from None
    return out


def _reader(username: str | None) -> User:
    if username is None:
        # Nobody signs in on the command line: the figures of every office.
        return User(username="memnun-cli", role=Role.MANAGEMENT, is_active=True)
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise _refuse(f"--as: no active member of staff is called {username}")
    return found


class Command(BaseCommand):
    help = "Write the management review pack of a period (PDF and XLSX) into a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked by hand (not `required=`), so that each refusal says what and exits 2.
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (Istanbul)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD, inclusive")
        parser.add_argument("--lang", dest="lang", help="tr or en")
        parser.add_argument("--out", dest="out", help="the directory to write both files into")
        parser.add_argument("--as", dest="reader", help="read the figures as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"], "--from"), _day(options["end"], "--to")
        if end < start:
            raise _refuse(f"--from {start} is after --to {end}")
        if options["lang"] not in LANGUAGES:
            raise _refuse(f"--lang must be tr or en, not {options['lang']!r}")
        out = _out_dir(options["out"])
        reader = _reader(options["reader"])
        period = Period(start=start, end=end)

        def progress(n: int, what: str) -> None:
            self.stderr.write(f"[{n}/{STEPS}] {what}")

        try:
            files = review_pack_files(viewer=reader, period=period, language=options["lang"],
                                      progress=progress)
        except NotPermitted as exc:
            raise _refuse(f"--as: {exc.detail}") from exc
        written = self._write(out, {
            pack_file_name(period, "pdf"): files.pdf,
            pack_file_name(period, "xlsx"): files.xlsx,
        })
        for path in written:
            self.stdout.write(str(path))

    def _write(self, out: Path, files: dict[str, bytes]) -> list[Path]:
        """Each file beside its final name first; renamed into place once all are whole."""
        temporary: dict[Path, Path] = {}
        try:
            for name, data in files.items():
                handle, made = tempfile.mkstemp(dir=out, prefix=".review-pack-")
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                temporary[Path(made)] = out / name
        except OSError as exc:
            for tmp in temporary:
                tmp.unlink(missing_ok=True)
            raise CommandError(f"--out: {exc}", returncode=BAD_INPUT) from exc
        for tmp, final in temporary.items():
            os.chmod(tmp, 0o644)
            tmp.replace(final)
        return list(temporary.values())
