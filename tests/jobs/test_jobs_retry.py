"""Temporary failures are retried with growing backoff; permanent ones are not."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sample_tasks
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import JobAttempt
from memnun.jobs.retry import GiveUp, RetryLater, RetryPolicy, durable


def attempts_of(result_id: str) -> list[tuple[int, str]]:
    return list(
        JobAttempt.objects.filter(task_result_id=result_id).values_list("number", "outcome")
    )


def run_until_settled(worker, clock) -> list[timedelta]:
    """Run the worker, jumping the clock to each retry; return the delays it chose."""
    delays = []
    for _ in range(10):
        worker.run(once=True)
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).first()
        if waiting is None:
            return delays
        delays.append(waiting.run_after - clock.now)
        assert worker.run(once=True) == 0  # not due yet
        clock.now = waiting.run_after
    raise AssertionError("never settled")


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(backoff_base=timedelta(seconds=30), backoff_max=timedelta(minutes=5))
    no_jitter = [policy.backoff(n, rand=lambda: 0.0).total_seconds() for n in range(1, 7)]
    assert no_jitter == [30, 60, 120, 240, 300, 300]
    assert policy.backoff(2, rand=lambda: 1.0) == timedelta(seconds=48)  # at most 20 % earlier
    assert policy.backoff(10_000, rand=lambda: 0.0) == timedelta(minutes=5)


def test_which_failures_are_retried(clock) -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=(ConnectionError,))
    now = clock.now
    assert policy.retry_at(RetryLater("busy", after=5), 1, now) == now + timedelta(seconds=5)
    assert policy.retry_at(ConnectionResetError(), 2, now) is not None  # a subclass counts
    assert policy.retry_at(RetryLater("busy"), 3, now) is None  # attempts used up
    assert policy.retry_at(ValueError(), 1, now) is None
    assert policy.retry_at(GiveUp(), 1, now) is None
    with pytest.raises(TypeError):
        durable()(sample_tasks.record.func)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_temporary_failures_are_retried_with_growing_delays(
    make_worker, clock, runs, caplog
) -> None:
    result = sample_tasks.flaky.enqueue("flaky", failures=2)

    with caplog.at_level(logging.INFO, logger="memnun.jobs"):
        delays = run_until_settled(make_worker(), clock)

    assert runs == ["flaky"] * 3
    assert len(delays) == 2 and delays[0] < delays[1]
    assert timedelta(seconds=8) <= delays[0] <= timedelta(seconds=10)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert attempts_of(result.id) == [(1, "retry"), (2, "retry"), (3, "succeeded")]
    first = JobAttempt.objects.get(task_result_id=result.id, number=1)
    assert "not yet (attempt 1)" in first.error and first.retry_at is not None
    lines = [r.getMessage() for r in caplog.records if r.name == "memnun.jobs"]
    assert [line.split(" id=")[0] for line in lines if line.startswith("job ")] == [
        "job retry", "job retry", "job done"
    ]


@pytest.mark.django_db
def test_a_task_that_keeps_failing_ends_failed_with_its_error(make_worker, clock, runs) -> None:
    result = sample_tasks.always_down.enqueue("down")

    delays = run_until_settled(make_worker(), clock)

    assert runs == ["down"] * 3  # max_attempts=3
    assert len(delays) == 2
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is ConnectionError
    assert "mail server unreachable" in result.errors[0].traceback
    assert attempts_of(result.id) == [(1, "retry"), (2, "retry"), (3, "failed")]
    last = JobAttempt.objects.get(task_result_id=result.id, number=3)
    assert last.error == "builtins.ConnectionError: mail server unreachable"
    assert last.retry_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "error"), [("buggy", ValueError), ("gives_up", GiveUp)], ids=["bug", "giveup"]
)
def test_permanent_failures_are_not_retried(make_worker, clock, runs, task, error) -> None:
    result = getattr(sample_tasks, task).enqueue(task)

    clock.advance(3600)
    make_worker().run(once=True)
    clock.advance(3600)
    make_worker().run(once=True)

    assert runs == [task]
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is error
    assert attempts_of(result.id) == [(1, "failed")]


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_mid_task_is_reopened_to_record_the_outcome(
    make_worker, runs, caplog
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a server that ends connections: PostgreSQL")
    result = sample_tasks.cut_off.enqueue("cut")
    worker = make_worker()
    # Before, the outcome was written on the dead connection and the worker ended; now it
    # opens a new one, records the failure and goes on to the next task.
    assert worker.run(once=True) == 1
    later = sample_tasks.record.enqueue("after")
    assert worker.run(once=True) == 1
    assert runs == ["cut", "after"]
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.FAILED
    assert attempts_of(result.id) == [(1, JobAttempt.Outcome.FAILED)]
    assert DBTaskResult.objects.get(id=later.id).status == TaskResultStatus.SUCCESSFUL
    assert "connection lost while recording an outcome" in caplog.text
