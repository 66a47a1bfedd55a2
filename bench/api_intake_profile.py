"""CPU and queries per API intake, in process: `python -m bench.api_intake_profile [N] [--compare]`
(issue 14).

`bench.intake_profile` measures the domain service alone; this one measures the whole
served path of `POST /api/v1/feedback` (a staff bearer token, phone channel, the customer
preferring e-mail: so that the acknowledgement e-mail with the tracking code is queued,
which `compare_bench`'s phone intakes without a preferred contact do not) as gunicorn
runs it: N requests through Django's WSGI handler itself (no test client: the middleware
stack, django-ninja, the token check, the answer, and the request's end with its
database connection kept or closed as the settings say, as in production), on a fresh
SQLite demo database, after a few to warm up, timed with process CPU time
(`time.process_time`, not the wall clock: the machine is shared), their queries counted,
and the top of a cProfile printed by cumulative and by own time; then how much of that CPU
runs inside SQLite's write turn (from taking it to letting it go), which every other
writer waits for.

Then the job worker's side: the acknowledgement each intake queued, delivered by the
steps of the job worker's loop (`memnun.jobs.worker.Worker`: close stale connections,
claim a task, execute it, until none is ready; the periodic jobs, the heartbeat thread
and the idle polling left out): the delivery task (outbox claim, send, outcome) and its
callback task (the case records the carrier it went through), sent through Django's
locmem mail backend (no SMTP conversation: what is measured is our side), once after
each intake as at low load, and once for a batch of N as under load.
"""

from __future__ import annotations

import cProfile
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.http_bench import intake_payload
from bench.intake_profile import demo_sqlite, profile_top

# `--compare`: post compare_bench's phone intake instead (no preferred contact, so no
# acknowledgement queued): the request as the side-by-side figures measure it.
_COMPARE = "--compare" in sys.argv


def _payload(i: int, compare: bool = _COMPARE) -> bytes:
    if compare:
        return json.dumps(intake_payload(i, email=True), ensure_ascii=False).encode()
    return json.dumps({
        "type": "complaint", "channel": "phone", "office": "istanbul",
        "subject": f"Bench {i}", "description": "Ekran değişimi gecikti.", "brand": "samsung",
        "customer": {"name": "Işıl Öztürk", "phone": f"+90532{i % 10_000_000:07d}",
                     "email": f"bench{i}@example.com", "preferred_contact": "email"},
        "consent": {"privacy_notice": True},
    }, ensure_ascii=False).encode()


@dataclass
class _Turns:
    count: int = 0
    cpu: float = 0.0
    wall: float = 0.0


@contextmanager
def _write_turns() -> Iterator[_Turns]:
    """Time each write turn of memnun's SQLite backend, from taking it (before BEGIN
    IMMEDIATE) to letting it go (after COMMIT): the part of an intake that every other
    writer waits for."""
    from memnun.sqlitewriters.base import DatabaseWrapper

    turns = _Turns()
    began = [0.0, 0.0]
    start, end = DatabaseWrapper._start_transaction_under_autocommit, DatabaseWrapper._end_turn

    def timed_start(self: Any) -> None:
        began[:] = time.process_time(), time.perf_counter()
        start(self)

    def timed_end(self: Any) -> None:
        end(self)
        turns.count += 1
        turns.cpu += time.process_time() - began[0]
        turns.wall += time.perf_counter() - began[1]

    DatabaseWrapper._start_transaction_under_autocommit = timed_start
    DatabaseWrapper._end_turn = timed_end
    try:
        yield turns
    finally:
        DatabaseWrapper._start_transaction_under_autocommit = start
        DatabaseWrapper._end_turn = end


def _poster(token: str, *, compare: bool = _COMPARE) -> Callable[[int], None]:
    """One `POST /api/v1/feedback` through the WSGI application, as gunicorn calls it
    (`compare`: compare_bench's phone intake)."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    def post(i: int) -> None:
        body = _payload(i, compare)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/feedback", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "tr",
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        status: list[str] = []
        chunks = application(environ, lambda s, h, e=None: status.append(s))
        try:
            b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        if not status or not status[0].startswith("201"):
            raise SystemExit(f"intake {i} answered {status}")

    return post


def main() -> int:
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    count = int(numbers[0]) if numbers else 200
    demo_sqlite("api-intake-profile")
    from django.conf import settings
    from django.db import close_old_connections, connection, reset_queries

    from memnun.accounts.models import User
    from memnun.accounts.tokens import token_issue
    from memnun.jobs.worker import Worker

    # Acknowledgements go to Django's in-memory outbox (emptied as we go), not the console.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    token = token_issue(user=User.objects.get(username="agent")).token
    post = _poster(token)
    worker = Worker(worker_id="bench-worker", periodic={})
    worker.beat()  # alive, so that its claims are not taken back

    def deliver() -> int:
        """Run every ready task, as `Worker.run` does between two idle waits."""
        ran = 0
        while True:
            close_old_connections()
            claimed = worker.claim()
            if claimed is None:
                break
            worker.execute(claimed)
            ran += 1
        mail.outbox = []
        return ran

    for i in range(5):  # warm: imports, the configuration cache, the first connection
        post(-1 - i)
    deliver()

    # Queries: the connection is closed after every request, so count with DEBUG's log.
    settings.DEBUG = True
    reset_queries()
    post(-100)
    queries = len(connection.queries)
    reset_queries()
    deliver()
    worker_queries = len(connection.queries)
    settings.DEBUG = False

    profile = cProfile.Profile()
    began = time.process_time()
    profile.enable()
    for i in range(count):
        post(i)
    profile.disable()
    profiled = time.process_time() - began
    print(profile_top(profile, "cumulative", 45))
    print(profile_top(profile, "tottime", 30))
    deliver()

    began = time.process_time()
    with _write_turns() as turns:
        for i in range(count):
            post(count + i)
    plain = time.process_time() - began
    deliver()

    # The worker, one acknowledgement at a time (each intake followed by its delivery).
    worker_cpu = 0.0
    ran = 0
    for i in range(count):
        post(2 * count + i)
        began = time.process_time()
        ran += deliver()
        worker_cpu += time.process_time() - began
    # And a batch of `count` queued acknowledgements, drained together.
    for i in range(count):
        post(3 * count + i)
    began = time.process_time()
    batch_ran = deliver()
    batch_cpu = time.process_time() - began

    print(f"API intakes: {count}, queries per API intake: {queries}")
    print(f"CPU per API intake (under cProfile): {profiled / count * 1000:.2f} ms")
    print(f"CPU per API intake (no profiler): {plain / count * 1000:.2f} ms")
    if turns.count:
        print(f"inside the write turn (SQLite): {turns.cpu / plain:.0%} of that CPU; "
              f"{turns.wall / turns.count * 1000:.2f} ms wall per turn, {turns.count} turns")
    print(f"worker CPU per acknowledgement, one at a time: {worker_cpu / count * 1000:.2f} ms"
          f" ({ran} tasks run for {count} acknowledgements; {worker_queries} queries for one)")
    print(f"worker CPU per acknowledgement, {count} at once: {batch_cpu / count * 1000:.2f} ms"
          f" ({batch_ran} tasks run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
