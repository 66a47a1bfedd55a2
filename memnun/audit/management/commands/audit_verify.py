from typing import Any

from django.core.management.base import BaseCommand, CommandError

from memnun.audit.chain import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            raise CommandError(
                f"Audit trail BROKEN at event #{report.first_broken_seq}: {report.problem} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(f"Audit trail intact: {report.checked} events verified.")
