from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from memnun.organisation.demo import demo_load
from memnun.organisation.demo_policy import demo_policy_load
from memnun.organisation.signals import demo_loaded


class Command(BaseCommand):
    help = "Load the demo offices, brands, categories and users (MEMNUN_DEMO=1 only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Demo data is only loaded with MEMNUN_DEMO=1 (never in production).")
        with transaction.atomic():
            counts = demo_load()
            # The floors above add their demo records (feedback: the demo CAPAs).
            demo_loaded.send(sender=self.__class__)
            # Not in demo_load: the tests' demo has no published policy to acknowledge.
            demo_policy_load()
        self.stdout.write(
            f"Demo ready: {counts['offices']} offices, {counts['brands']} brands, "
            f"{counts['users_created']} new users."
        )
