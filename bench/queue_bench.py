"""Fair-queue latency at 100k and 1M cases, deadline cost, and a calendar-change recompute.

Runs against a throwaway database: a SQLite file in a temporary directory, or,
when DATABASE_URL is set, a `test_<name>` database created beside it and
dropped afterwards (as the test runner does). Run alone:

    python -m bench.queue_bench [count ...]

`run()` returns (label, figure) pairs for the project's bench report.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path

PAGE_REQUESTS = 50


def _django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memnun.settings")
    os.environ.setdefault("MEMNUN_TESTING", "1")
    os.environ.setdefault("MEMNUN_DATA_DIR", str(tmp))
    if not os.environ.get("DATABASE_URL"):
        os.environ["MEMNUN_TEST_SQLITE"] = str(tmp / "queue_bench.sqlite3")
    import django

    django.setup()


@contextlib.contextmanager
def demo_database(prefix: str) -> Iterator[None]:
    """A throwaway database with the demo loaded (offices, users), dropped afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    _django(tmp)
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from memnun.organisation.demo import demo_load

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        demo_load()
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
        shutil.rmtree(tmp, ignore_errors=True)


def _timings_ms(call: Callable[[], object], times: int) -> tuple[float, float]:
    samples = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _deadline_us(calls: int = 100_000) -> tuple[float, float]:
    from memnun.servicelevels.clock import add_business_minutes, add_business_time
    from memnun.servicelevels.store import calendar_get

    calendar = calendar_get("standard")
    rng = random.Random(10002)
    first = time.time() - 365 * 86400
    from datetime import UTC, datetime

    starts = [datetime.fromtimestamp(first + rng.randrange(400 * 86400), UTC) for _ in range(calls)]
    began = time.perf_counter()
    for start in starts:
        add_business_minutes(calendar, start, 360)
    six_hours = (time.perf_counter() - began) / calls * 1e6
    ten_days = timedelta(minutes=10 * 9 * 60)
    began = time.perf_counter()
    for start in starts:
        add_business_time(calendar, start, ten_days)
    return six_hours, (time.perf_counter() - began) / calls * 1e6


def run(counts: Sequence[int] = (100_000, 1_000_000)) -> list[tuple[str, str]]:
    with demo_database("memnun-queue-bench-"):
        return _measure(counts)


def _measure(counts: Sequence[int]) -> list[tuple[str, str]]:
    from django.db import connection
    from django.test import Client

    from memnun.accounts.models import User
    from memnun.accounts.tokens import token_issue
    from memnun.devtools.fill import feedback_fill
    from memnun.feedback.models import Feedback
    from memnun.feedback.selectors.queue import queue_page
    from memnun.servicelevels.models import Calendar, OpeningPeriod
    from memnun.servicelevels.store import calendar_changed

    results: list[tuple[str, str]] = []
    quality = User.objects.get(username="quality")
    agent = User.objects.get(username="agent")
    token = token_issue(user=agent).token
    client = Client()
    filled = 0
    for count in sorted(counts):
        began = time.perf_counter()
        feedback_fill(count=count - filled, seed=count)
        seconds = time.perf_counter() - began
        results.append(
            (f"fill {count - filled:,} cases ({connection.vendor})",
             f"{seconds:.1f} s, {(count - filled) / seconds:,.0f} rows/s")
        )
        filled = count
        open_cases = Feedback.objects.exclude(status="closed").count()
        label = f"{count:,} cases ({open_cases:,} open)"
        p50, p95 = _timings_ms(lambda: queue_page(user=quality, limit=50), PAGE_REQUESTS)
        results.append((f"queue first page, all offices, {label}",
                        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"))
        p50, p95 = _timings_ms(lambda: queue_page(user=agent, limit=50), PAGE_REQUESTS)
        results.append((f"queue first page, one office, {label}",
                        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"))
        cursor = None
        for _ in range(100):  # 5,000 cases deep
            cursor = queue_page(user=quality, limit=50, cursor=cursor).next
        p50, p95 = _timings_ms(
            lambda deep=cursor: queue_page(user=quality, limit=50, cursor=deep), PAGE_REQUESTS
        )
        results.append((f"queue page 101 (keyset), all offices, {label}",
                        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"))
        headers = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/queue?limit=50", headers=headers)  # warm
        began = time.perf_counter()
        response = client.get("/api/v1/queue?limit=50", headers=headers)
        took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, response.content[:300]
        results.append((f"GET /api/v1/queue (test client), {label}", f"{took:.1f} ms"))
        if count == min(counts):
            calendar = Calendar.objects.get(code="standard")
            OpeningPeriod.objects.filter(calendar=calendar, weekday=0).update(opens="10:00")
            began = time.perf_counter()
            calendar_changed(calendar=calendar, actor="bench")
            results.append((f"recompute after a calendar edit, {label}",
                            f"{time.perf_counter() - began:.1f} s"))
    six, ten = _deadline_us()
    results.append(("deadline: 6 business hours (add_business_minutes)", f"{six:.2f} µs"))
    results.append(("deadline: 10 business days (add_business_time)", f"{ten:.2f} µs"))
    return results


def main(argv: Sequence[str]) -> None:
    counts = tuple(int(a.replace("_", "").replace(",", "")) for a in argv) or (100_000, 1_000_000)
    for label, figure in run(counts):
        print(f"{label:<62} {figure}")


if __name__ == "__main__":
    main(sys.argv[1:])
