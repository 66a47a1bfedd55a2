"""Data protection's background jobs: the breach clock's alerts and the requests' due dates."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from memnun.dataprotection.services.breaches import breach_watch
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
