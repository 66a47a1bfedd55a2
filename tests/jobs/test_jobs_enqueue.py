"""Enqueueing is part of the caller's transaction: rolled back, the task never runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sample_tasks
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import JobAttempt, WorkerHeartbeat


class BusinessError(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_task_never_runs_and_committed_task_runs_once(runs: list[str]) -> None:
    with pytest.raises(BusinessError), transaction.atomic():
        sample_tasks.record.enqueue("rolled back")
        raise BusinessError
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        result = sample_tasks.record.enqueue("committed")

    call_command("memnun_worker", "--once")
    call_command("memnun_worker", "--once")

    assert runs == ["committed"]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "committed"
    assert result.attempts == 1
    attempt = JobAttempt.objects.get(task_result_id=result.id)  # periodic jobs run too
    assert (attempt.number, attempt.outcome) == (1, JobAttempt.Outcome.SUCCEEDED)
    assert not WorkerHeartbeat.objects.exists()  # a worker that stops cleanly retires


@pytest.mark.django_db
def test_once_runs_everything_due_in_priority_order(make_worker, clock, runs) -> None:
    sample_tasks.record.enqueue("normal")
    sample_tasks.record.using(priority=10).enqueue("urgent")
    sample_tasks.record.using(run_after=clock.now + timedelta(hours=1)).enqueue("later")

    assert make_worker().run(once=True) == 2
    assert runs == ["urgent", "normal"]
