"""Reads of the job tables for the layers above (operations: metrics)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count

from memnun.jobs.models import JobAttempt

# Attempt outcomes that are failures: retried later, failed for good, or lost with a worker.
FAILED_OUTCOMES = (
    JobAttempt.Outcome.RETRY,
    JobAttempt.Outcome.FAILED,
    JobAttempt.Outcome.LOST,
)


def job_failures_since(*, since: datetime) -> dict[tuple[str, str], int]:
    """Failed attempts that ended at or after `since`, by (task path, outcome).

    Read from the attempts every worker records in the database, so that the count is the
    same whichever process asks and survives the worker that failed; attempt rows go with
    their task rows when those are pruned (`jobs.prune`: 14 days, failed tasks 90 days),
    which is why this is a window and not a count since the beginning.
    """
    rows = (
        JobAttempt.objects.filter(finished_at__gte=since, outcome__in=FAILED_OUTCOMES)
        .values("task_result__task_path", "outcome")
        .annotate(n=Count("id"))
    )
    return {(row["task_result__task_path"], row["outcome"]): row["n"] for row in rows}
