"""A RUNNING task whose worker stopped heartbeating is run by another worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sample_tasks
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import JobAttempt, WorkerHeartbeat
from memnun.jobs.recovery import WorkerLost

pytestmark = pytest.mark.django_db


def claimed_by_dead_worker(make_worker, clock, task, label: str, silent_for: float) -> str:
    """Enqueue, let worker "dead" claim it, and make its last heartbeat `silent_for` old."""
    result = task.enqueue(label)
    dead = make_worker("dead")
    dead.beat()
    assert dead.claim() is not None
    WorkerHeartbeat.objects.filter(worker_id="dead").update(
        beat_at=clock.now - timedelta(seconds=silent_for)
    )
    return str(result.id)


def test_a_task_of_a_dead_worker_is_completed_by_another(make_worker, clock, runs) -> None:
    task_id = claimed_by_dead_worker(make_worker, clock, sample_tasks.record, "orphan", 120)

    ran = make_worker("live", stale_after=timedelta(seconds=60)).run(once=True)

    assert ran == 1
    assert runs == ["orphan"]
    result = DBTaskResult.objects.get(id=task_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["dead", "live"]
    outcomes = JobAttempt.objects.filter(task_result_id=task_id).values_list("worker_id", "outcome")
    assert list(outcomes) == [("dead", "lost"), ("live", "succeeded")]


def test_a_task_of_a_live_worker_is_left_alone(make_worker, clock, runs) -> None:
    task_id = claimed_by_dead_worker(make_worker, clock, sample_tasks.record, "busy", 5)

    ran = make_worker("live", stale_after=timedelta(seconds=60)).run(once=True)

    assert ran == 0
    assert runs == []
    assert DBTaskResult.objects.get(id=task_id).status == TaskResultStatus.RUNNING


def test_a_task_without_any_heartbeat_is_recovered_after_the_grace(make_worker, clock, runs):
    result = sample_tasks.record.enqueue("ghost")
    row = DBTaskResult.objects.get(id=result.id)
    row.claim("ghost-worker")  # e.g. the library's own db_worker, which never beats
    live = make_worker("live", stale_after=timedelta(seconds=60))

    assert live.run(once=True) == 0  # just claimed: within the grace
    DBTaskResult.objects.filter(id=row.id).update(started_at=clock.now - timedelta(minutes=5))
    assert make_worker("live2", stale_after=timedelta(seconds=60)).run(once=True) == 1
    assert runs == ["ghost"]


def test_a_lost_task_out_of_attempts_is_left_failed(make_worker, clock, runs) -> None:
    task_id = claimed_by_dead_worker(make_worker, clock, sample_tasks.fragile, "once", 120)

    assert make_worker("live").run(once=True) == 0

    assert runs == []
    result = DBTaskResult.objects.get(id=task_id).task_result
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is WorkerLost
    assert "worker dead stopped heartbeating" in result.errors[0].traceback


def test_a_forced_stop_puts_the_task_back_to_ready(make_worker) -> None:
    result = sample_tasks.interrupted.enqueue()

    with pytest.raises(KeyboardInterrupt):
        make_worker().run(once=True)

    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.READY
    assert JobAttempt.objects.get(task_result=row).outcome == JobAttempt.Outcome.INTERRUPTED
    assert not WorkerHeartbeat.objects.exists()
