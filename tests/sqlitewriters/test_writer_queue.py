"""The SQLite writers' queue itself (memnun/sqlitewriters/writerqueue.py), on real files,
threads and processes: one writer at a time, the next woken when the holder lets go, a
bounded wait, and a lock never kept by a wait given up, a dead process or a fork."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from memnun.sqlitewriters.writerqueue import QueueTimeout, WriterQueue


@pytest.fixture
def database(tmp_path: Path) -> str:
    return str(tmp_path / "memnun.sqlite3")


def test_one_writer_at_a_time_among_many_threads(database: str) -> None:
    inside = 0
    most_inside = 0
    turns = 0
    guard = threading.Lock()
    errors: list[BaseException] = []

    def writer() -> None:
        nonlocal inside, most_inside, turns
        writers = WriterQueue(database)
        try:
            for _ in range(40):
                writers.acquire(timeout=10)
                with guard:
                    inside += 1
                    most_inside = max(most_inside, inside)
                time.sleep(0.0005)  # hold the turn a little, as a transaction does
                with guard:
                    inside -= 1
                    turns += 1
                writers.release()
        except BaseException as exc:
            errors.append(exc)
        finally:
            writers.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert turns == 8 * 40
    assert most_inside == 1


def test_a_waiting_writer_gives_up_after_its_timeout(database: str) -> None:
    holder, waiter = WriterQueue(database), WriterQueue(database)
    holder.acquire(timeout=1)
    started = time.monotonic()
    with pytest.raises(QueueTimeout, match=r"more than 0\.3 s"):
        waiter.acquire(timeout=0.3)
    waited = time.monotonic() - started
    assert 0.3 <= waited < 5
    assert not waiter.held
    holder.release()
    waiter.acquire(timeout=1)  # its turn comes once the holder has let go
    assert waiter.held
    waiter.close()
    holder.close()


def test_the_next_writer_is_woken_when_the_holder_lets_go(database: str) -> None:
    holder, waiter = WriterQueue(database), WriterQueue(database)
    holder.acquire(timeout=1)
    took: list[float] = []

    def wait() -> None:
        waiter.acquire(timeout=30)
        took.append(time.monotonic())
        waiter.release()

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.2)
    assert not took  # still waiting while the holder writes
    released = time.monotonic()
    holder.release()
    thread.join(timeout=30)
    # Woken by the release, long before its 30 s wait ran out.
    assert took and took[0] - released < 5
    waiter.close()
    holder.close()


def test_a_wait_given_up_does_not_keep_the_lock_later(database: str) -> None:
    holder, quitter, later = WriterQueue(database), WriterQueue(database), WriterQueue(database)
    holder.acquire(timeout=1)
    with pytest.raises(QueueTimeout):
        quitter.acquire(timeout=0.1)
    # The quitter's helper thread is still queued for the lock; when the holder lets go
    # it takes it for nobody and must let it go at once.
    holder.release()
    later.acquire(timeout=5)
    assert later.held
    later.release()
    # And the quitter itself queues again with a fresh descriptor.
    quitter.acquire(timeout=5)
    quitter.release()
    for writers in (holder, quitter, later):
        writers.close()


def test_close_lets_the_turn_go(database: str) -> None:
    holder, waiter = WriterQueue(database), WriterQueue(database)
    holder.acquire(timeout=1)
    holder.close()
    waiter.acquire(timeout=1)
    waiter.close()


HOLD_AND_SLEEP = """
import sys, time
from memnun.sqlitewriters.writerqueue import WriterQueue
writers = WriterQueue(sys.argv[1])
writers.acquire(timeout=5)
print("held", flush=True)
time.sleep(60)
"""


def test_a_dead_holder_process_leaves_no_lock_behind(database: str) -> None:
    root = Path(__file__).resolve().parents[2]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_SLEEP, database], cwd=root,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        waiter = WriterQueue(database)
        with pytest.raises(QueueTimeout):
            waiter.acquire(timeout=0.2)
        holder.kill()
        holder.wait(timeout=10)
        waiter.acquire(timeout=5)
        assert waiter.held
        waiter.close()
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def _acquire_in_child(writers: WriterQueue, outcome: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        writers.acquire(timeout=0.3)
    except QueueTimeout:
        outcome.put("waited")
    else:
        outcome.put("took")


def test_a_forked_child_does_not_share_its_parents_turn(database: str) -> None:
    writers = WriterQueue(database)
    writers.acquire(timeout=1)
    fork = multiprocessing.get_context("fork")
    outcome = fork.Queue()
    child = fork.Process(target=_acquire_in_child, args=(writers, outcome))
    child.start()
    child.join(timeout=30)
    # The child's copy of the parent's descriptor would "take" the parent's own lock.
    assert outcome.get(timeout=5) == "waited"
    writers.close()
