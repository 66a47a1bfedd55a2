"""PostgreSQL restarts (issue 13, kill -9 soak): a served process and the job worker keep
their pools and go on without being restarted, and wait a bounded time while the server
is away.

Each test runs a real memnun process with its production pool (not the test settings,
which have none) against the test database, and does to its connections what a server
restart does: the server ends them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from memnun.notifications.outbox import message_queue
from tests import mailtools
from tests.mailtools import free_port
from tests.processes import child_env, database_url

pytestmark = pytest.mark.django_db

# A process with the production database settings (the pool): take a connection, give it
# back to the pool, wait for the test to end it on the server, then query again.
_POOLED = """
import sys, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    print(cursor.fetchone()[0], flush=True)
connection.close()  # back to the pool, as at the end of every request
sys.stdin.readline()
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    print(cursor.fetchone()[0], flush=True)
"""

_UNREACHABLE = """
import time, django
django.setup()
from django.db import OperationalError, connection
began = time.monotonic()
try:
    connection.ensure_connection()
except OperationalError as exc:
    print(f"{time.monotonic() - began:.1f} {type(exc.__cause__).__name__}", flush=True)
"""


def production_env(url: str, **extra: str) -> dict[str, str]:
    env = child_env(DATABASE_URL=url, MEMNUN_TESTING="0", MEMNUN_DEMO="1", **extra)
    env["MEMNUN_DATA_DIR"] = str(settings.DATA_DIR / f"reconnect-{free_port()}")
    return env


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool and its checks are PostgreSQL's")


def test_a_pooled_connection_the_server_ended_is_replaced_not_an_error() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _POOLED], cwd=settings.BASE_DIR, env=production_env(
            database_url()), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    first = int(child.stdout.readline())
    with connection.cursor() as cursor:  # what a restart does to every connection
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
        assert cursor.fetchone() == (True,)
    child.stdin.write("\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert int(out) != first  # a new connection, with no error for the caller


def test_an_unreachable_server_fails_within_the_pool_timeout() -> None:
    url = database_url().rsplit("@", 1)[0] + f"@127.0.0.1:{free_port()}/nothing"
    out = subprocess.run(
        [sys.executable, "-c", _UNREACHABLE], cwd=settings.BASE_DIR,
        env=production_env(url, MEMNUN_DB_POOL_TIMEOUT="2"), capture_output=True, text=True,
        timeout=60, check=True,
    ).stdout.split()
    waited, cause = float(out[0]), out[1]
    assert cause == "PoolTimeout"
    assert 1.5 <= waited < 10  # the setting, not psycopg's 30 s default


def _queue(key: str) -> None:
    with transaction.atomic():
        message_queue(
            channel="email", kind="test", recipient="ayse@example.com", language="tr",
            subject=f"Deneme {key}", text="Merhaba", idempotency_key=key,
        )


def test_the_job_worker_outlives_a_database_restart_and_goes_on_sending(
    transactional_db: None, tmp_path: Path
) -> None:
    """Every connection of the running job worker ended by the server, as in a restart:
    the same worker process (no supervisor restart) sends the next message."""
    with mailtools.smtp_sink() as sink:
        # Named, so that only the worker's sessions are ended below: ending every other
        # session of the test database would end this test process's pooled ones too.
        env = production_env(database_url(), EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port),
                             MEMNUN_LOG_LEVEL="WARNING", PGAPPNAME="memnun-reconnect-worker")
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "memnun.cli", "worker"], cwd=settings.BASE_DIR, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _queue("before")
            sink.wait_for(1, timeout=60)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database()"
                    " AND application_name = 'memnun-reconnect-worker'"
                )
                assert cursor.fetchone()[0] >= 1  # the worker's pooled connections
            _queue("after")
            sink.wait_for(2, timeout=60)
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            log.close()
