"""Housekeeping of the job tables: finished task rows would otherwise grow without end
(the delivery job alone runs every 30 seconds)."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task

from memnun.jobs.schedule import every

# Successful runs are kept two weeks; failed ones three months, for looking into.
KEEP_DAYS, KEEP_FAILED_DAYS = 14, 90


@every(seconds=86400, name="jobs.prune")
@task()
def finished_jobs_prune() -> None:
    call_command(
        "prune_db_task_results", queue_name="*", min_age_days=KEEP_DAYS,
        failed_min_age_days=KEEP_FAILED_DAYS, verbosity=0,
    )
