"""Periodic jobs, registered in code and enqueued exactly once per period.

    @every(seconds=60, name="servicelevels.breach_watch")
    @task()
    def breach_watch() -> None: ...

Every worker ticks the scheduler. A `Schedule` row holds each job's next slot;
a worker wins the slot with `UPDATE ... SET next_run_at=<next> WHERE name=<name>
AND next_run_at=<seen>` and enqueues in the same transaction, so with any number
of workers one period gives one task. Missed periods (workers down) are not
replayed: the next slot is the first one after now. A period is also skipped
while the previous run is still waiting in the queue, so a slow job cannot pile up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import SCHEDULE_NAME_MAX, Schedule

logger = logging.getLogger("memnun.jobs")

TaskT = TypeVar("TaskT", bound=Task[Any, Any])


@dataclass(frozen=True)
class Periodic:
    """A task (taking no arguments) enqueued every `period`."""

    name: str
    task: Task[Any, Any]
    period: timedelta


PERIODIC: dict[str, Periodic] = {}


def every(
    *,
    seconds: float,
    name: str | None = None,
    registry: MutableMapping[str, Periodic] | None = None,
) -> Callable[[TaskT], TaskT]:
    """Register a `@task` to be enqueued every `seconds`; put it above `@task`."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    target = PERIODIC if registry is None else registry

    def register(task: TaskT) -> TaskT:
        key = name or task.module_path
        if len(key) > SCHEDULE_NAME_MAX:
            raise ImproperlyConfigured(f"periodic job name too long: {key}")
        known = target.get(key)
        if known is not None and known.task.module_path != task.module_path:
            raise ImproperlyConfigured(f"two periodic jobs are named {key}")
        target[key] = Periodic(key, task, timedelta(seconds=seconds))
        return task

    return register


def autodiscover() -> None:
    """Import each memnun app's `tasks` module so that its `every()` calls run."""
    for config in apps.get_app_configs():
        if config.name.startswith("memnun.") and module_has_submodule(config.module, "tasks"):
            __import__(f"{config.name}.tasks")


def due(now: datetime, jobs: Mapping[str, Periodic]) -> list[tuple[Periodic, datetime]]:
    """The jobs whose slot has come, each with the slot as read (the claim's guard)."""
    if not jobs:
        return []
    slots = dict(Schedule.objects.filter(name__in=jobs).values_list("name", "next_run_at"))
    missing = [name for name in jobs if name not in slots]
    if missing:
        # A new job is due at once. Concurrent workers may insert the same row: ignore that.
        Schedule.objects.bulk_create(
            [Schedule(name=name, next_run_at=now) for name in missing], ignore_conflicts=True
        )
        slots.update(Schedule.objects.filter(name__in=missing).values_list("name", "next_run_at"))
    return [(jobs[name], at) for name, at in sorted(slots.items()) if at <= now]


def next_slot(seen: datetime, period: timedelta, now: datetime) -> datetime:
    """The first slot after now on the job's grid (skipping missed ones)."""
    missed = (now - seen) // period
    return seen + period * (missed + 1)


def claim(job: Periodic, seen: datetime, now: datetime) -> bool:
    """Take the slot `seen` and enqueue the job; False if another worker took the slot first.

    Taking the slot does not always enqueue: not while the previous run still waits.
    """
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            task_path=job.task.module_path, status=TaskResultStatus.READY
        ).exists()
        slot: dict[str, Any] = {"next_run_at": next_slot(seen, job.period, now)}
        if not waiting:
            slot["last_enqueued_at"] = now
        if not Schedule.objects.filter(name=job.name, next_run_at=seen).update(**slot):
            return False
        if not waiting:
            job.task.enqueue()
    if waiting:
        logger.info("schedule %s: skipped, the previous run is still waiting", job.name)
    else:
        logger.info("schedule %s: enqueued", job.name)
    return True


def tick(now: datetime | None = None, jobs: Mapping[str, Periodic] | None = None) -> list[str]:
    """Enqueue every due periodic job once; return the names whose slot this call took."""
    now = now or timezone.now()
    jobs = PERIODIC if jobs is None else jobs
    return [job.name for job, seen in due(now, jobs) if claim(job, seen, now)]
