"""What django-tasks-db does not record: attempts, worker liveness and schedule slots."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """A worker's proof of life; a stale beat means its RUNNING task is presumed lost."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()
    started_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobAttempt(models.Model):
    """One run of a task result; the history django-tasks-db overwrites on every run."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        RETRY = "retry", "Failed, retry scheduled"
        FAILED = "failed", "Failed for good"
        LOST = "lost", "Worker lost"
        INTERRUPTED = "interrupted", "Worker interrupted"

    task_result = models.ForeignKey(
        DBTaskResult, on_delete=models.CASCADE, related_name="job_attempts"
    )
    number = models.PositiveIntegerField()  # 1-based, = len(worker_ids) after the claim
    worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(blank=True)  # "module.Class: message"; the traceback is on the result
    retry_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["task_result", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task_result", "number"], name="jobs_attempt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.task_result_id} #{self.number} {self.outcome}"

    @classmethod
    def finish(
        cls,
        task_result_id: object,
        number: int,
        outcome: str,
        *,
        at: datetime,
        error: str = "",
        retry_at: datetime | None = None,
    ) -> None:
        cls.objects.filter(task_result_id=task_result_id, number=number).update(
            outcome=outcome, finished_at=at, error=error, retry_at=retry_at
        )


SCHEDULE_NAME_MAX = 100


class Schedule(models.Model):
    """The next slot of a periodic job; claimed by a conditional UPDATE so it fires once."""

    name = models.CharField(max_length=SCHEDULE_NAME_MAX, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} next {self.next_run_at:%Y-%m-%d %H:%M:%S}"

