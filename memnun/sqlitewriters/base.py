"""Django's SQLite backend, with every write transaction queued first (`writerqueue`).

A transaction that Django opens (`atomic`) starts with `BEGIN IMMEDIATE`; before it, the
connection takes its turn in the database's writer queue, and it lets the turn go once
the transaction ends: commit, rollback, or the connection closed. The turn is let go
even when the COMMIT or ROLLBACK itself fails: the queue only orders writers, SQLite's
own lock still keeps them apart, and a turn kept by mistake would stall every writer.
In-memory databases have one connection and no file to queue on: they are left as is.

Checkpoints. SQLite copies its write-ahead log back into the database (a checkpoint, with
an fsync) inside the COMMIT that takes the log past `wal_autocheckpoint` pages, that is
while the committing connection still holds its turn: at the default (1,000 pages)
about every twentieth intake took some 13 ms more, with every other writer waiting
behind it (issue 14, BENCHMARKS.md). So each connection checkpoints itself, every
`CHECKPOINT_EVERY` commits, after it has let its turn go; PASSIVE, which neither waits
for nor blocks readers and writers. SQLite's own stays as a safety net for transactions
far larger than an intake's (a bulk fill), at `AUTOCHECKPOINT_PAGES`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from django.db.backends.sqlite3 import base as sqlite3_base
from django.db.utils import OperationalError

from memnun.sqlitewriters.cursor import SQLiteCursor
from memnun.sqlitewriters.writerqueue import QueueTimeout, WriterQueue

# sqlite3.connect's own default, when OPTIONS give no timeout.
DEFAULT_TIMEOUT = 5.0
# An intake writes some 45 pages: twenty commits come near SQLite's default threshold.
CHECKPOINT_EVERY = 20
AUTOCHECKPOINT_PAGES = 10_000

# django-stubs declares none of the backend's private hooks overridden here.
_SQLiteWrapper: Any = sqlite3_base.DatabaseWrapper


class DatabaseWrapper(_SQLiteWrapper):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_queue: WriterQueue | None = None
        self._writers_for = ""
        self._commits = 0

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        return conn

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=SQLiteCursor)

    def _start_transaction_under_autocommit(self) -> None:
        writers = self._writers()
        if writers is None:
            super()._start_transaction_under_autocommit()
            return
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT))
        try:
            writers.acquire(timeout)
        except QueueTimeout as exc:
            raise OperationalError(f"database is locked: {exc}") from exc
        except OSError as exc:
            raise OperationalError(f"database writer queue: {exc}") from exc
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            writers.release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._end_turn()
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0 and self._writer_queue is not None:
            self._checkpoint()

    def _checkpoint(self) -> None:
        # A failure loses nothing: the log keeps every page until a later checkpoint.
        with contextlib.suppress(sqlite3.DatabaseError):
            self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self._writer_queue is not None:
                self._writer_queue.close()

    def _end_turn(self) -> None:
        if self._writer_queue is not None:
            self._writer_queue.release()

    def _writers(self) -> WriterQueue | None:
        # Tests rename the database (test_…) after the wrapper was made.
        name = str(self.settings_dict["NAME"])
        if name != self._writers_for:
            if self._writer_queue is not None:
                self._writer_queue.close()
            self._writers_for = name
            self._writer_queue = None if self.is_in_memory_db() else WriterQueue(name)
        return self._writer_queue
