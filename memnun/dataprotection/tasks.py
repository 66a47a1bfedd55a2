"""Data protection's background jobs: the breach clock's alerts."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from memnun.dataprotection.services.breaches import breach_watch
from memnun.jobs.schedule import every


# Every 10 minutes: an alert stage (48 h, 66 h, 72 h) is noticed within minutes.
@every(seconds=600, name="dataprotection.breach_watch")
@task()
def breach_deadline_watch() -> int:
    """Alert privacy and quality to breaches whose 72 hours to notify the Board run out."""
    return breach_watch(now=timezone.now())
