"""The worker loop: tick the scheduler, recover stuck tasks, claim and run one task at a time.

Claiming reuses django-tasks-db: `get_locked()` (PostgreSQL: FOR UPDATE SKIP LOCKED, so
workers never wait on each other's rows; SQLite: the settings' IMMEDIATE transactions
serialise claimers) and `claim()`, inside `transaction.atomic()`.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from traceback import format_exception
from typing import Any

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.db import connections as db_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskContext, TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import is_locked_database_exception

from memnun.jobs import recovery, schedule
from memnun.jobs.models import JobAttempt, WorkerHeartbeat
from memnun.jobs.retry import error_text, policy_for
from memnun.rowinsert import row_insert

logger = logging.getLogger("memnun.jobs")

Clock = Callable[[], datetime]
RECOVER_EVERY = timedelta(seconds=5)  # looking for dead workers costs a query; not every loop
TICK_EVERY = timedelta(seconds=1)
# Writing a task's outcome after a lost connection: tries, about 2 + 4 + 5 s apart.
_OUTCOME_TRIES = 4


def default_worker_id() -> str:
    """host:pid:random, within django-tasks-db's 64 characters."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(6)}"[:64]


@dataclass(frozen=True)
class Claimed:
    """A task this worker has marked RUNNING, with its attempt number."""

    result: DBTaskResult[Any, Any]
    attempt: int


class Worker:
    """One worker process's loop; `clock` and `rand` are injectable for tests."""

    def __init__(
        self,
        *,
        worker_id: str | None = None,
        interval: float = 1.0,
        queues: Sequence[str] = (),
        backend: str = DEFAULT_TASK_BACKEND_ALIAS,
        stale_after: timedelta | None = None,
        heartbeat_every: timedelta | None = None,
        periodic: Mapping[str, schedule.Periodic] | None = None,
        clock: Clock = timezone.now,
        rand: Callable[[], float] = random.random,
    ) -> None:
        # Defaults: MEMNUN_WORKER_STALE_SECONDS and MEMNUN_WORKER_HEARTBEAT_SECONDS.
        stale_after = recovery.stale_after_default() if stale_after is None else stale_after
        if heartbeat_every is None:
            heartbeat_every = recovery.heartbeat_every_default()
        if stale_after < heartbeat_every * 3:
            # A live worker must be able to miss a beat or two without being presumed dead.
            raise ValueError("stale_after must be at least three heartbeat intervals")
        self.worker_id = worker_id or default_worker_id()
        self.interval = interval
        self.queues = list(queues)
        self.backend = backend
        self.stale_after = stale_after
        self.heartbeat_every = heartbeat_every
        self.periodic = schedule.PERIODIC if periodic is None else periodic
        self.clock = clock
        self.rand = rand
        self._stop = threading.Event()  # asked to stop after the current task
        self._done = threading.Event()  # the loop has ended: the heartbeat thread may end
        self._last_tick: datetime | None = None
        self._last_recovery: datetime | None = None

    def stop(self) -> None:
        """Finish the current task, then leave the loop (safe from a signal handler)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, once: bool = False) -> int:
        """Work until stopped (or, with `once`, until nothing is due); return tasks run."""
        self._done.clear()
        self.beat()  # before any claim, so that our RUNNING tasks never look orphaned
        beating = None
        if not connection.in_atomic_block:  # a test's transaction is invisible to a thread
            # A long task blocks this thread; the beat must go on or others recover it.
            beating = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
            beating.start()
        logger.info(
            "worker %s started%s; periodic jobs: %s",
            self.worker_id, " (once)" if once else "", ", ".join(self.periodic) or "none",
        )
        ran = 0
        try:
            while not self._stop.is_set():
                if not connection.in_atomic_block:  # never inside a caller's (test's) atomic
                    close_old_connections()
                try:
                    self.housekeeping()
                    claimed = self.claim()
                except DatabaseError:
                    # A database blip should not end a long-running worker (and, under
                    # `memnun run`, the web server with it). Nothing is claimed yet here;
                    # a task's outcome is written again on a new connection a few times
                    # (_outcome_written), and only then does the failure end the worker, so
                    # that its heartbeat stops and the task is recovered elsewhere.
                    if once:
                        raise
                    logger.exception("worker %s: database error, retrying", self.worker_id)
                    self._stop.wait(max(self.interval, 5.0))
                    continue
                if claimed is None:
                    if once:
                        break
                    self._stop.wait(self.interval)
                    continue
                self.execute(claimed)
                ran += 1
                if beating is None:
                    self.beat()
        finally:
            self._done.set()
            if beating is not None:
                beating.join(timeout=10)  # a last beat must not outlive retire()
            self.retire()
        logger.info("worker %s stopped after %d task(s)", self.worker_id, ran)
        return ran

    def beat(self) -> None:
        """Write this worker's heartbeat."""
        now = self.clock()
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(beat_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                beat_at=now,
                started_at=now,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
            )

    def retire(self) -> None:
        """Remove the heartbeat of a worker that stops cleanly (it holds no task now)."""
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.exception("worker %s: could not remove its heartbeat", self.worker_id)

    def _beat_forever(self) -> None:
        try:
            while not self._done.wait(self.heartbeat_every.total_seconds()):
                try:
                    self.beat()
                except DatabaseError:
                    logger.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            db_connections.close_all()  # this thread's connections only

    def housekeeping(self) -> None:
        """Tick the scheduler and look for stuck tasks, each at its own pace."""
        now = self.clock()
        if self._last_tick is None or now - self._last_tick >= TICK_EVERY:
            self._last_tick = now
            schedule.tick(now, self.periodic)
        if self._last_recovery is None or now - self._last_recovery >= RECOVER_EVERY:
            self._last_recovery = now
            recovery.recover_stuck(now=now, stale_after=self.stale_after, backend=self.backend)

    def claim(self) -> Claimed | None:
        """Mark the next ready task RUNNING for this worker, recording the attempt."""
        now = self.clock()
        # DBTaskResult.objects.ready() reads the wall clock; the same filter with ours.
        tasks = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, backend_name=self.backend
        ).filter(Q(run_after=get_date_max()) | Q(run_after__lte=now))
        if self.queues:
            tasks = tasks.filter(queue_name__in=self.queues)
        try:
            with transaction.atomic(using=tasks.db):
                result = tasks.get_locked()
                if result is None:
                    return None
                result.claim(self.worker_id)
                attempt = len(result.worker_ids)
                row_insert(JobAttempt(
                    task_result=result, number=attempt, worker_id=self.worker_id, started_at=now
                ))
        except OperationalError as exc:
            if is_locked_database_exception(exc):  # SQLite busy beyond its timeout: next loop
                return None
            raise
        return Claimed(result, attempt)

    def execute(self, claimed: Claimed) -> None:
        """Run a claimed task and record success, a retry or a failure."""
        result, attempt = claimed.result, claimed.attempt
        started = time.monotonic()
        try:
            task = result.task
            task_started.send(sender=type(task.get_backend()), task_result=result.task_result)
            args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
            if task.takes_context:
                value = task.call(TaskContext(task_result=result.task_result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            def succeeded() -> None:
                with transaction.atomic():
                    result.set_successful(value)
                    JobAttempt.finish(
                        result.id, attempt, JobAttempt.Outcome.SUCCEEDED, at=self.clock()
                    )

            self._outcome_written(succeeded)
        except Exception as exc:  # the task's failure, or recording its return value
            self._failed(claimed, exc)
        except BaseException:  # forced stop (second signal): let another worker run it
            self._release(claimed)
            raise
        else:
            logger.info(
                "job done id=%s task=%s attempt=%d worker=%s %.2fs",
                result.id, result.task_path, attempt, self.worker_id,
                time.monotonic() - started,
            )
            self._finished(result)

    def _failed(self, claimed: Claimed, exc: Exception) -> None:
        result, attempt = claimed.result, claimed.attempt
        now = self.clock()
        policy = policy_for(result.task_path)  # result.task imported it: durable() has run
        retry_at = policy.retry_at(exc, attempt, now, self.rand)
        failure = f"{type(exc).__module__}.{type(exc).__qualname__}"
        outcome = JobAttempt.Outcome.FAILED if retry_at is None else JobAttempt.Outcome.RETRY

        def failed() -> None:
            with transaction.atomic():
                if retry_at is None:
                    result.set_failed(exc)
                else:
                    # Same row back to READY: the caller's result id follows the job to the
                    # end, and worker_ids keeps counting attempts.
                    result.status = TaskResultStatus.READY
                    result.run_after = retry_at
                    result.exception_class_path = failure
                    result.traceback = "".join(format_exception(exc))
                    result.save(update_fields=[
                        "status", "run_after", "exception_class_path", "traceback",
                    ])
                JobAttempt.finish(
                    result.id, attempt, outcome, at=now, error=error_text(exc), retry_at=retry_at
                )

        self._outcome_written(failed)
        if retry_at is None:
            logger.error(
                "job failed id=%s task=%s attempt=%d/%d worker=%s (%s): %s",
                result.id, result.task_path, attempt, policy.max_attempts, self.worker_id,
                "attempts used up" if attempt >= policy.max_attempts else "not retryable",
                error_text(exc),
            )
            self._finished(result)
        else:
            logger.warning(
                "job retry id=%s task=%s attempt=%d/%d worker=%s in %ds: %s",
                result.id, result.task_path, attempt, policy.max_attempts, self.worker_id,
                (retry_at - now).total_seconds(), error_text(exc),
            )

    def _outcome_written(self, write: Callable[[], None]) -> None:
        """Record a task's outcome with `write`. When the connection was lost (the database
        restarted while the task ran), open a new one and write again, a few times over a
        few seconds; only then give up and end the worker (its heartbeat stops and the task
        is recovered elsewhere). Writing an outcome twice leaves the same row."""
        for tries in range(1, _OUTCOME_TRIES + 1):
            try:
                write()
                return
            except (OperationalError, InterfaceError):
                if connection.in_atomic_block or tries == _OUTCOME_TRIES:
                    raise
                logger.warning("worker %s: connection lost while recording an outcome;"
                               " reconnecting (try %d)", self.worker_id, tries)
                connection.close()
                time.sleep(min(2.0 ** tries, 5.0))

    def _release(self, claimed: Claimed) -> None:
        result = claimed.result
        try:
            with transaction.atomic():
                DBTaskResult.objects.filter(
                    id=result.id, status=TaskResultStatus.RUNNING
                ).update(status=TaskResultStatus.READY, run_after=self.clock())
                JobAttempt.finish(
                    result.id, claimed.attempt, JobAttempt.Outcome.INTERRUPTED, at=self.clock()
                )
            logger.warning("job interrupted id=%s: back to READY", result.id)
        except DatabaseError:  # stuck-task recovery will requeue it
            logger.exception("job interrupted id=%s: left RUNNING", result.id)

    def _finished(self, result: DBTaskResult[Any, Any]) -> None:
        # django-tasks' own hook, for whoever listens (its receiver logs the outcome).
        try:
            task_finished.send(
                sender=type(result.task.get_backend()), task_result=result.task_result
            )
        except Exception:
            logger.exception("task_finished receivers failed for id=%s", result.id)
