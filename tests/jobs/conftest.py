"""Fixtures for the jobs tests: a settable clock and workers that use it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import sample_tasks
from django.utils import timezone

from memnun.jobs.worker import Worker


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(timezone.now())


@pytest.fixture(autouse=True)
def runs() -> Iterator[list[str]]:
    sample_tasks.RUNS.clear()
    yield sample_tasks.RUNS
    sample_tasks.RUNS.clear()


@pytest.fixture
def make_worker(clock: FakeClock) -> Callable[..., Worker]:
    """Workers on the fake clock, with no periodic jobs unless given."""

    def make(worker_id: str = "w1", **options: Any) -> Worker:
        options.setdefault("periodic", {})
        return Worker(worker_id=worker_id, clock=clock, **options)

    return make
