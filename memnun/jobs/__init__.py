"""Durable background jobs on django-tasks-db: retries, stuck-task recovery, a scheduler.

Enqueue atomically: django-tasks-db writes the task row in the caller's transaction,
so `my_task.enqueue(...)` inside `transaction.atomic()` commits or rolls back with
the business change (`my_task.using(run_after=..., priority=...)` to defer).

Retries (`memnun.jobs.retry`): raise `RetryLater(reason, after=None)` from a task, or
declare temporary exceptions with `@durable(max_attempts=5, backoff_base=30,
backoff_max=3600, retry_on=(...))` above `@task`. Attempts are `JobAttempt` rows;
inside a task, `@task(takes_context=True)` gives `context.attempt`.

Periodic jobs (`memnun.jobs.schedule`): `@every(seconds=60, name="app.job")` above
`@task` in an app's `tasks.py` (the worker imports every memnun app's `tasks`).

The worker is `manage.py memnun_worker` (`memnun worker`). Delivery is at-least-once:
a task whose worker is presumed dead runs again, so every task must be idempotent.
"""
