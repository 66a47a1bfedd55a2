"""Writers to one SQLite database, queued on an `flock` of a file beside it.

Every write transaction starts with `BEGIN IMMEDIATE` (settings.py). When the database is
already being written, SQLite's busy handler makes the newcomer sleep and retry, in steps
that grow to 100 ms: under load the waiters wake late and in no order, and the slowest
intakes waited 140-150 ms at the 99th percentile (issue 14, BENCHMARKS.md). Here a writer
first takes an exclusive `flock` on `<database>-writers`: the kernel queues the waiters
and wakes the next one as soon as the holder lets go.

The lock is advisory and only a queue in front of SQLite's own write lock, which still
guarantees correctness: a writer that does not queue here (another program, a write in
autocommit mode) is serialised by SQLite as before. The kernel releases an `flock` when
its holder's process dies, so a crashed process never leaves the queue blocked. A holder
that is alive but keeps its transaction open is waited for at most `timeout` seconds (the
connection's own busy timeout), then the waiter gives up with `QueueTimeout`, as SQLite
would have with "database is locked".

`flock` itself cannot give up after a while; so a waiter that must wait hands the wait
to a helper thread (one per queue, that is per database connection, started the first
time it has to wait) and waits on an event with a timeout. A wait given up is abandoned
with its own copy of the file descriptor: if the helper takes the lock afterwards, it lets
it go at once, and the connection queues with a new descriptor from then on.
"""

from __future__ import annotations

import fcntl
import os
import queue
import threading


class QueueTimeout(Exception):
    """Another writer held the database for longer than the wait allowed."""


class _Ticket:
    """One wait handed to the helper thread; `fd` is the helper's own copy."""

    __slots__ = ("done", "error", "fd", "guard", "state")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.done = threading.Event()
        self.guard = threading.Lock()
        self.state = "waiting"  # then "taken" or "abandoned"
        self.error: OSError | None = None

    def take(self) -> None:
        """In the helper thread: wait for the lock, then hand it over or let it go."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as error:
            self.error = error
        with self.guard:
            if self.state == "waiting" and self.error is None:
                self.state = "taken"
        # The waiter's descriptor shares this one's lock: closing the copy keeps the lock
        # when it was handed over, and releases it when the wait was abandoned (the
        # waiter closed its own descriptor then, so this was the last one).
        os.close(self.fd)
        self.done.set()

    def outcome(self, timeout: float) -> bool:
        """In the waiting thread: True when the lock was taken within `timeout` seconds."""
        self.done.wait(timeout)
        with self.guard:
            if self.state == "taken":
                return True
            self.state = "abandoned"
        if self.error is not None:
            raise self.error
        return False


class _Helper(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="sqlite-writer-queue", daemon=True)
        self.tickets: queue.SimpleQueue[_Ticket | None] = queue.SimpleQueue()

    def run(self) -> None:
        while (ticket := self.tickets.get()) is not None:
            ticket.take()


class WriterQueue:
    """One connection's place in the queue of writers to the database at `path`.

    Used from the connection's own thread only, as Django uses a connection."""

    def __init__(self, path: str) -> None:
        self.lock_path = f"{path}-writers"
        self.held = False
        self._fd: int | None = None
        self._pid = 0
        self._helper: _Helper | None = None

    def acquire(self, timeout: float) -> None:
        """Wait for this connection's turn to write; `QueueTimeout` after `timeout` s."""
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self._wait(fd, timeout):
                # The helper may still take the lock on its copy: this descriptor shares
                # it, so the connection must not use it again.
                self._forget_descriptor()
                raise QueueTimeout(
                    f"another writer held the database for more than {timeout:g} s"
                ) from None
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            if self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Let the lock go and stop the helper thread, as the connection closes."""
        self.held = False
        self._forget_descriptor()
        if self._helper is not None:
            self._helper.tickets.put(None)
            self._helper = None

    def _descriptor(self) -> int:
        if self._pid != os.getpid():
            # A forked child inherits the parent's descriptor, and with it the parent's
            # lock (an flock belongs to the open file, not the process): it needs its own
            # open file, and its own helper (threads do not survive a fork). Its copy of
            # the parent's descriptor is closed, or it would keep the parent's lock alive
            # after the parent let go.
            if self._fd is not None:
                os.close(self._fd)
            self._fd = self._helper = None
            self.held = False
            self._pid = os.getpid()
        if self._fd is None:
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def _forget_descriptor(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _wait(self, fd: int, timeout: float) -> bool:
        if self._helper is None:
            self._helper = _Helper()
            self._helper.start()
        ticket = _Ticket(os.dup(fd))
        self._helper.tickets.put(ticket)
        return ticket.outcome(timeout)
