"""Stuck-task recovery: a RUNNING task whose worker stopped heartbeating runs again.

Workers beat every few seconds (`WorkerHeartbeat`, `MEMNUN_WORKER_HEARTBEAT_SECONDS`).
A RUNNING task whose worker (the last in its `worker_ids`) has not beaten for
`stale_after` (`MEMNUN_WORKER_STALE_SECONDS`) is put back to READY, as a new attempt,
for any worker to claim; once its retry policy's attempts are used up it is left
FAILED with `WorkerLost`. `presumed_dead_at` is the one home of that rule: the
outbox asks it too, to take back the messages a dead worker had claimed.

So a task may run twice: the "dead" worker may have done the work and died before
recording it, or may merely have been too slow to beat (a paused VM, a saturated
database). Delivery is at-least-once and tasks must be idempotent.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import JobAttempt, WorkerHeartbeat
from memnun.jobs.retry import RetryPolicy, error_text, policy_for

logger = logging.getLogger("memnun.jobs")

# Heartbeats of workers gone this long are deleted: nothing can still refer to them.
FORGET_WORKERS_AFTER = timedelta(days=1)


class WorkerLost(Exception):
    """The worker running this task stopped heartbeating."""


def stale_after_default() -> timedelta:
    """How long a worker may stay silent before it is presumed dead (the setting)."""
    return timedelta(seconds=settings.MEMNUN_WORKER_STALE_SECONDS)


def heartbeat_every_default() -> timedelta:
    return timedelta(seconds=settings.MEMNUN_WORKER_HEARTBEAT_SECONDS)


def presumed_dead_at(
    worker_ids: Iterable[str], *, stale_after: timedelta | None = None
) -> dict[str, datetime]:
    """When each of these workers is (or will be, unless it beats again) presumed dead.

    Only workers with a heartbeat row are in the answer: a worker that never beat
    (a test's or the library's own loop) or stopped cleanly (its row removed) says
    nothing here, and its claims wait for their own deadline.
    """
    stale_after = stale_after_default() if stale_after is None else stale_after
    beats = WorkerHeartbeat.objects.filter(worker_id__in=set(worker_ids)).values_list(
        "worker_id", "beat_at"
    )
    return {worker_id: beat_at + stale_after for worker_id, beat_at in beats}


def _policy(task_path: str) -> RetryPolicy:
    with contextlib.suppress(ImportError):
        import_string(task_path)  # runs its durable() so that its policy is known
    return policy_for(task_path)


def recover_stuck(
    *, now: datetime, stale_after: timedelta, backend: str = "default"
) -> list[str]:
    """Requeue (or fail) RUNNING tasks of dead workers; return their ids."""
    running: list[DBTaskResult[Any, Any]] = list(
        DBTaskResult.objects.running()
        .filter(backend_name=backend)
        .only("id", "task_path", "worker_ids", "started_at")
    )
    owners = {r.worker_ids[-1] for r in running if r.worker_ids}
    dead_at = presumed_dead_at(owners, stale_after=stale_after)
    recovered = []
    for result in running:
        owner = result.worker_ids[-1] if result.worker_ids else ""
        # Without a heartbeat row (a worker that never beat), the claim time stands in.
        if owner in dead_at:
            last_sign: datetime | None = dead_at[owner] - stale_after
            if dead_at[owner] >= now:
                continue
        else:
            last_sign = result.started_at
            if last_sign is not None and last_sign + stale_after >= now:
                continue
        if _requeue(result, owner, last_sign, now):
            recovered.append(str(result.id))
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_WORKERS_AFTER).delete()
    return recovered


def _requeue(
    result: DBTaskResult[Any, Any], owner: str, last_sign: datetime | None, now: datetime
) -> bool:
    attempt = len(result.worker_ids)
    lost = WorkerLost(f"worker {owner or '?'} stopped heartbeating (last sign {last_sign})")
    give_up = attempt >= _policy(result.task_path).max_attempts
    fields: dict[str, Any] = {
        "exception_class_path": f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        "traceback": error_text(lost),
    }
    if give_up:
        fields.update(status=TaskResultStatus.FAILED, finished_at=now)
    else:
        fields.update(status=TaskResultStatus.READY, run_after=now)
    with transaction.atomic():
        # Conditional on the claim we saw: if the worker finished meanwhile, or another
        # recoverer got here first, this updates nothing and we leave the task alone.
        changed = DBTaskResult.objects.filter(
            id=result.id, status=TaskResultStatus.RUNNING, started_at=result.started_at
        ).update(**fields)
        if not changed:
            return False
        JobAttempt.finish(result.id, attempt, JobAttempt.Outcome.LOST, at=now, error=str(lost))
    logger.warning(
        "job %s id=%s attempt=%d: %s; %s",
        "lost" if give_up else "recovered",
        result.id,
        attempt,
        lost,
        "attempts used up, left FAILED" if give_up else "back to READY",
    )
    return True
