"""The API's housekeeping: stored first answers lose their tracking code when the retry
window ends, and go when their retention period ends (K9)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from memnun.api.idempotency import idempotency_prune
from memnun.dataprotection.retention import retention_schedule
from memnun.dataprotection.retention_rules import RetentionCategory
from memnun.jobs.schedule import every


# Hourly: a code is blanked within the hour after its 24-hour retry window.
@every(seconds=3600, name="api.idempotency_prune")
@task()
def idempotent_requests_prune() -> dict[str, int]:
    now = timezone.now()
    period = retention_schedule()[RetentionCategory.IDEMPOTENCY]
    return idempotency_prune(before=period.start(now), now=now)
