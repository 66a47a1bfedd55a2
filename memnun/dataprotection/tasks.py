"""Data protection's background jobs: the breach clock's alerts, the requests' due
dates, the destruction job."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from memnun.dataprotection.models import DestructionTrigger
from memnun.dataprotection.services.breaches import breach_watch
from memnun.dataprotection.services.destruction import destruction_run
from memnun.dataprotection.services.subject_requests import request_watch
from memnun.jobs.schedule import every


# Every 10 minutes: an alert stage (48 h, 66 h, 72 h) is noticed within minutes.
@every(seconds=600, name="dataprotection.breach_watch")
@task()
def breach_deadline_watch() -> int:
    """Alert privacy and quality to breaches whose 72 hours to notify the Board run out."""
    return breach_watch(now=timezone.now())


# Hourly: the alerts are days apart.
@every(seconds=3600, name="dataprotection.request_watch")
@task()
def request_deadline_watch() -> int:
    """Alert the personal-data contacts to data subjects' requests whose answer falls due."""
    return request_watch(now=timezone.now())


# Monthly by default; at most every six months (system check memnun.E105).
@every(seconds=settings.MEMNUN_DESTRUCTION_EVERY_DAYS * 86400, name="dataprotection.destruction")
@task()
def scheduled_destruction() -> dict[str, int]:
    """Destroy the personal data whose retention period has passed (K9)."""
    return destruction_run(now=timezone.now(), trigger=DestructionTrigger.SCHEDULE).counts
