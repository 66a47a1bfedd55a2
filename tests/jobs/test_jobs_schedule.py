"""Periodic jobs: each period enqueues exactly once, however many workers tick."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sample_tasks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_tasks_db.models import DBTaskResult

from memnun.jobs import schedule
from memnun.jobs.models import Schedule

pytestmark = pytest.mark.django_db

NAME = "tests.tick"


@pytest.fixture
def jobs() -> dict[str, schedule.Periodic]:
    registry: dict[str, schedule.Periodic] = {}
    schedule.every(seconds=60, name=NAME, registry=registry)(sample_tasks.tick_job)
    return registry


def enqueued() -> int:
    return DBTaskResult.objects.filter(task_path="sample_tasks.tick_job").count()


def test_two_ticks_at_the_same_moment_enqueue_once(jobs, clock) -> None:
    assert schedule.tick(clock.now, jobs) == [NAME]
    assert schedule.tick(clock.now, jobs) == []
    assert enqueued() == 1


def test_interleaved_workers_both_seeing_the_slot_enqueue_once(jobs, clock) -> None:
    seen_by_a = schedule.due(clock.now, jobs)
    seen_by_b = schedule.due(clock.now, jobs)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 1

    won = [schedule.claim(job, seen, clock.now) for job, seen in seen_by_a + seen_by_b]

    assert won == [True, False]
    assert enqueued() == 1


def test_one_run_per_period_and_missed_periods_are_not_replayed(
    jobs, clock, make_worker, runs
) -> None:
    start = clock.now
    worker = make_worker(periodic=jobs)
    assert worker.run(once=True) == 1  # a new job is due at once
    clock.advance(30)
    assert schedule.tick(clock.now, jobs) == []
    clock.advance(30)
    assert make_worker(periodic=jobs).run(once=True) == 1
    clock.advance(600)  # workers were down for ten periods
    assert make_worker(periodic=jobs).run(once=True) == 1
    assert runs == ["tick"] * 3
    assert Schedule.objects.get(name=NAME).next_run_at == start + timedelta(seconds=720)


def test_a_period_is_skipped_while_the_previous_run_waits(jobs, clock) -> None:
    assert schedule.tick(clock.now, jobs) == [NAME]
    clock.advance(60)
    assert schedule.tick(clock.now, jobs) == [NAME]  # the slot is taken...
    assert enqueued() == 1  # ...but nobody ran the first one yet: no second copy
    assert Schedule.objects.get(name=NAME).next_run_at > clock.now


def test_two_jobs_cannot_share_a_name(jobs) -> None:
    with pytest.raises(ImproperlyConfigured):
        schedule.every(seconds=5, name=NAME, registry=jobs)(sample_tasks.record)


@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_for_a_slot_enqueue_once(jobs, clock) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's concurrency")
    barrier = threading.Barrier(2, timeout=10)
    won: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            seen = schedule.due(clock.now, jobs)  # both read the slot before either claims
            barrier.wait()
            won.extend(schedule.claim(job, at, clock.now) for job, at in seen)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert errors == []
    assert sorted(won) == [False, True]
    assert enqueued() == 1


def test_the_breach_watch_is_scheduled() -> None:
    from memnun.jobs.schedule import PERIODIC, autodiscover

    autodiscover()
    periodic = PERIODIC["feedback.breach_watch"]
    assert periodic.task.module_path.endswith("breach_watch_task")
    assert periodic.period.total_seconds() == 60


@pytest.mark.django_db
def test_old_finished_jobs_are_pruned_daily_and_failed_ones_kept_longer() -> None:
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from memnun.jobs.schedule import PERIODIC, autodiscover
    from memnun.jobs.tasks import finished_jobs_prune

    autodiscover()
    assert PERIODIC["jobs.prune"].period == timedelta(days=1)
    old = timezone.now() - timedelta(days=30)
    for status in ("SUCCESSFUL", "FAILED"):
        result = finished_jobs_prune.enqueue().db_result  # any task row will do
        DBTaskResult.objects.filter(pk=result.pk).update(status=status, finished_at=old)
    fresh = finished_jobs_prune.enqueue().db_result
    DBTaskResult.objects.filter(pk=fresh.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
    finished_jobs_prune.call()
    left = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert left == ["FAILED", "SUCCESSFUL"]  # the month-old failure and today's success
