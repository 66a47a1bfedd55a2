"""Retries: how a task says "temporary failure, try again later".

Raise `RetryLater` from any task, or declare exception types as temporary with
`durable(retry_on=...)`. The worker then puts the same task result back to READY
with `run_after = now + backoff(attempt)`; after `max_attempts` it is left FAILED
with the error kept. Anything else (including `GiveUp`) fails at once.

This module touches no models, so task modules can import it at any time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django_tasks.base import Task

TaskT = TypeVar("TaskT", bound=Task[Any, Any])
Seconds = float | timedelta


def _delta(value: Seconds) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class RetryLater(Exception):
    """A temporary failure: run the task again later (`after` overrides the backoff)."""

    def __init__(self, reason: str = "", *, after: Seconds | None = None) -> None:
        super().__init__(reason)
        self.after = None if after is None else _delta(after)


class GiveUp(Exception):
    """A permanent failure, even if its cause matches `retry_on`."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a task is retried."""

    max_attempts: int = 5
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    retry_on: tuple[type[BaseException], ...] = ()
    jitter: float = 0.2  # up to 20 % earlier, so retries of a burst spread out

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> timedelta:
        """Delay after failed attempt `attempt` (1-based): base·2^(n-1), capped, minus jitter."""
        exponent = min(max(attempt - 1, 0), 32)  # no float overflow on silly attempt counts
        delay = min(self.backoff_max, self.backoff_base * (1 << exponent))
        return delay * (1 - self.jitter * rand())

    def retry_at(
        self,
        exc: BaseException,
        attempt: int,
        now: datetime,
        rand: Callable[[], float] = random.random,
    ) -> datetime | None:
        """When to run again after `exc` ended attempt `attempt`; None means give up."""
        if isinstance(exc, GiveUp) or attempt >= self.max_attempts:
            return None
        if isinstance(exc, RetryLater):
            return now + (exc.after if exc.after is not None else self.backoff(attempt, rand))
        if self.retry_on and isinstance(exc, self.retry_on):
            return now + self.backoff(attempt, rand)
        return None


DEFAULT_POLICY = RetryPolicy()
# Keyed by the task's module path, which is what a DBTaskResult row stores.
_POLICIES: dict[str, RetryPolicy] = {}


def durable(
    *,
    max_attempts: int = DEFAULT_POLICY.max_attempts,
    backoff_base: Seconds = DEFAULT_POLICY.backoff_base,
    backoff_max: Seconds = DEFAULT_POLICY.backoff_max,
    retry_on: tuple[type[BaseException], ...] = (),
) -> Callable[[TaskT], TaskT]:
    """Give a `@task` a retry policy; put it above the `@task` decorator."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    policy = RetryPolicy(
        max_attempts=max_attempts,
        backoff_base=_delta(backoff_base),
        backoff_max=_delta(backoff_max),
        retry_on=tuple(retry_on),
    )

    def register(task: TaskT) -> TaskT:
        if not isinstance(task, Task):
            raise TypeError("durable() decorates a django-tasks Task: put it above @task")
        _POLICIES[task.module_path] = policy
        return task

    return register


def policy_for(task_path: str) -> RetryPolicy:
    """The policy of a task path (its module must have been imported), else the default."""
    return _POLICIES.get(task_path, DEFAULT_POLICY)


def error_text(exc: BaseException) -> str:
    """A one-line description of an exception, as kept on attempts."""
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
