"""The delivery job: woken when a message is queued, and every 30 s as a safety net."""

from __future__ import annotations

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import TaskContext, task

from memnun.jobs.retry import durable
from memnun.jobs.schedule import every
from memnun.notifications import delivery

# Seconds one run may spend sending before it makes room for other jobs (and re-enqueues).
RUN_BUDGET = 20.0
# Ahead of other jobs: a burst of callbacks or reports must not hold up an acknowledgement.
PRIORITY = 50


@every(seconds=30, name="notifications.deliver_pending")
@durable(max_attempts=3, backoff_base=5, retry_on=(DatabaseError,))
@task(takes_context=True, priority=PRIORITY)
def deliver_pending(context: TaskContext) -> dict[str, int]:
    """Send every due message, then make sure a run follows the next retry."""
    from memnun.notifications.outbox import delivery_wake

    # Claims carry the job worker's id: its heartbeat tells others whether it still lives.
    worker_ids = context.task_result.worker_ids
    worker = worker_ids[-1] if worker_ids else f"task:{context.task_result.id}"
    report = delivery.drain(worker=worker, budget=RUN_BUDGET)
    if report.more:
        delivery_wake()
    else:
        later = delivery.next_due_at()
        if later is not None and later > timezone.now():
            delivery_wake(at=later)
    return {
        "sent": report.sent, "retried": report.retried, "dead": report.dead,
        "recovered": report.recovered,
    }
