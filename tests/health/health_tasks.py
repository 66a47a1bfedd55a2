"""A job that fails for good, for the job-failure metric."""

from __future__ import annotations

from django_tasks import task


@task()
def broken() -> None:
    raise ValueError("a bug in a job")
