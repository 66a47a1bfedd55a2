from typing import Any

from django.core.management.base import BaseCommand, CommandError

from memnun.audit.chain import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            raise CommandError(report.summary)
        self.stdout.write(report.summary)
