"""The real `memnun_worker` process: SIGTERM lets the current task finish, then exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sample_tasks
from django.conf import settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.jobs.models import WorkerHeartbeat
from tests.processes import database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def start_worker() -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        path = [str(settings.BASE_DIR), str(Path(sample_tasks.__file__).parent)]
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "MEMNUN_TESTING": "1",
            "PYTHONPATH": os.pathsep.join([*path, os.environ.get("PYTHONPATH", "")]),
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", "memnun_worker", "--interval", "0.1",
             "--worker-id", "process-test"],
            cwd=settings.BASE_DIR, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60  # a loaded CI machine starts Django slowly
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"worker exited early:\n{process.communicate()[0]}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)


def stop(process: subprocess.Popen[str]) -> tuple[int, str, float]:
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=10)[0]
    return process.returncode, output, time.monotonic() - sent


def test_sigterm_when_idle_exits_at_once(start_worker) -> None:
    process = start_worker()
    wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="process-test").exists(), process)

    code, output, took = stop(process)

    assert code == 0, output
    assert took < 3, output
    assert not WorkerHeartbeat.objects.exists()


def test_sigterm_lets_the_current_task_finish(start_worker) -> None:
    result = sample_tasks.sleepy.enqueue(1.5)
    process = start_worker()
    # This task, not a periodic job that the worker may run first.
    wait_for(lambda: DBTaskResult.objects.running().filter(id=result.id).exists(), process)

    code, output, _ = stop(process)

    assert code == 0, output
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert "job done" in output
