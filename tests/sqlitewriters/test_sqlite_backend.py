"""memnun's SQLite backend (memnun/sqlitewriters/base.py) on the test database, with a
second connection of its own: a write transaction waits its turn, gets it as soon as the
other transaction ends however it ends, and gives up after the connection's timeout with
the same error SQLite gives ("database is locked", which the web answers with 503)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, connections, transaction

from memnun.organisation.models import Brand

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writer queue"),
]


@pytest.fixture
def other() -> Iterator[Any]:
    """A second connection to the test database, waiting at most 0.3 s for its turn."""
    settings = {**connection.settings_dict,
                "OPTIONS": {**connection.settings_dict["OPTIONS"], "timeout": 0.3}}
    second = type(connections["default"])(settings, alias="other")
    yield second
    second.close()


def _write(db: Any, name: str) -> None:
    """One write transaction on `db` (a brand added), begun and ended as `atomic` does."""
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO organisation_brand (code, name, aliases, is_active)"
                           " VALUES (%s, %s, '', 1)", [name.lower(), name])
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.set_autocommit(True)


def _lock_free() -> bool:
    """True when a writer could take its turn now. Asked without queuing (a probe that
    queued and gave up would leave a waiter behind, which takes the turn for a moment
    when it comes)."""
    fd = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_writer_waits_its_turn_and_gives_up_as_sqlite_would(other: Any) -> None:
    with transaction.atomic():
        Brand.objects.create(code="first", name="First")
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            _write(other, "Second")
        assert time.monotonic() - started >= 0.3
    _write(other, "Second")  # its turn, once the first committed
    assert sorted(Brand.objects.filter(code__in=["first", "second"]).values_list(
        "code", flat=True)) == ["first", "second"]


def test_the_turn_passes_on_commit_rollback_and_close(other: Any) -> None:
    with transaction.atomic():
        Brand.objects.create(code="committed", name="Committed")
    assert _lock_free()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Brand.objects.create(code="rolledback", name="Rolled back")
        1 / 0  # noqa: B018
    assert _lock_free()
    assert not Brand.objects.filter(code="rolledback").exists()

    with pytest.raises(RuntimeError), transaction.atomic():
        Brand.objects.create(code="closed", name="Closed")
        assert not _lock_free()
        connection.close()  # as after an error that left the connection unusable
        assert _lock_free()
        _write(other, "After")
        raise RuntimeError
    assert not Brand.objects.filter(code="closed").exists()
    assert Brand.objects.filter(code="after").exists()


def test_nested_blocks_keep_one_turn() -> None:
    with transaction.atomic():
        Brand.objects.create(code="outer", name="Outer")
        with transaction.atomic():  # a savepoint: no second turn, no wait on itself
            Brand.objects.create(code="inner", name="Inner")
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            Brand.objects.create(code="undone", name="Undone")
            1 / 0  # noqa: B018
        assert not _lock_free()
    assert _lock_free()
    assert set(Brand.objects.filter(code__in=["outer", "inner", "undone"]).values_list(
        "code", flat=True)) == {"outer", "inner"}


def test_a_failed_begin_gives_the_turn_back(other: Any) -> None:
    # A writer outside the queue (another program) holds SQLite's own lock: our BEGIN
    # IMMEDIATE fails after the busy timeout, and the turn it had taken is let go.
    outsider = sqlite3.connect(str(connection.settings_dict["NAME"]), isolation_level=None)
    try:
        outsider.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):
            _write(other, "Blocked")
        assert _lock_free()
    finally:
        outsider.execute("ROLLBACK")
        outsider.close()
    _write(other, "Unblocked")


def test_parallel_writers_on_their_own_connections_all_land() -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    Brand.objects.create(code=f"w{n}-{i}", name=f"Writer {n} #{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert Brand.objects.filter(code__startswith="w").count() == 8 * 15


def _wal_size() -> int:
    return os.path.getsize(f"{connection.settings_dict['NAME']}-wal")


def test_the_log_is_checkpointed_after_the_turn_is_given_up() -> None:
    """SQLite's own checkpoint would run inside the COMMIT, with the writer's turn held;
    each connection checkpoints itself once it has let the turn go."""
    from memnun.sqlitewriters.base import AUTOCHECKPOINT_PAGES, CHECKPOINT_EVERY

    connection.ensure_connection()
    raw = connection.connection
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (AUTOCHECKPOINT_PAGES,)
    seen: list[bool] = []

    def trace(statement: str) -> None:
        if "wal_checkpoint" in statement:
            seen.append(_lock_free())

    raw.set_trace_callback(trace)
    try:
        for n in range(2 * CHECKPOINT_EVERY):
            _write(connection, f"Brand {n}")
    finally:
        raw.set_trace_callback(None)
    assert seen == [True, True]  # one every CHECKPOINT_EVERY commits, the turn free


def test_the_log_stops_growing_under_many_small_commits() -> None:
    """The checkpoints keep the log short: once it has been written through, later
    commits reuse it from the start instead of growing it."""
    from memnun.sqlitewriters.base import CHECKPOINT_EVERY

    for n in range(2 * CHECKPOINT_EVERY + 1):
        _write(connection, f"Early {n}")
    settled = _wal_size()
    for n in range(6 * CHECKPOINT_EVERY):
        _write(connection, f"Later {n}")
    # Without checkpoints between them, 120 more commits would make the log 3-4 times longer.
    assert _wal_size() <= settled * 1.5
