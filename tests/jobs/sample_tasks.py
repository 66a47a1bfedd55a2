"""Tasks for the jobs tests; RUNS records each run in this process."""

from __future__ import annotations

import time

from django_tasks import TaskContext, task

from memnun.jobs.retry import GiveUp, RetryLater, durable

RUNS: list[str] = []


@task()
def record(label: str) -> str:
    RUNS.append(label)
    return label


@durable(max_attempts=5, backoff_base=10, backoff_max=3600)
@task(takes_context=True)
def flaky(context: TaskContext, label: str, failures: int) -> int:
    """Fails temporarily on its first `failures` attempts."""
    RUNS.append(label)
    if context.attempt <= failures:
        raise RetryLater(f"not yet (attempt {context.attempt})")
    return context.attempt


@durable(max_attempts=3, backoff_base=10, retry_on=(ConnectionError,))
@task()
def always_down(label: str) -> None:
    RUNS.append(label)
    raise ConnectionError("mail server unreachable")


@task()
def buggy(label: str) -> None:
    RUNS.append(label)
    raise ValueError("a bug, not the weather")


@durable(max_attempts=5, retry_on=(Exception,))
@task()
def gives_up(label: str) -> None:
    RUNS.append(label)
    raise GiveUp("the address does not exist")


@durable(max_attempts=1)
@task()
def fragile(label: str) -> None:
    RUNS.append(label)


@task()
def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


@task()
def tick_job() -> None:
    RUNS.append("tick")


@task()
def interrupted() -> None:
    raise KeyboardInterrupt  # as the worker's second SIGTERM/SIGINT does mid-task


@task()
def cut_off(label: str) -> None:
    """Its connection ended by the server mid-task, as a database restart does (PostgreSQL)."""
    from django.db import connection

    RUNS.append(label)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
