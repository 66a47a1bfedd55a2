"""Rate-limit windows older than a day count for nothing; the worker drops them hourly."""

from __future__ import annotations

from django_tasks import task

from memnun.jobs.schedule import every
from memnun.ratelimit.limiter import rate_prune


@every(seconds=3600, name="ratelimit.prune")
@task()
def rate_windows_prune() -> int:
    return rate_prune()
