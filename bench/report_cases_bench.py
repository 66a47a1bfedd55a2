"""The first page of the cases behind a dashboard figure, at 1,000,000 cases over a year.

Runs against a throwaway database, as `bench/queue_bench.py` does (a SQLite
file, or a `test_<name>` database beside DATABASE_URL's). Each list is a
year's period, all offices (the quality manager) and one office (a
reviewer); the figure sets how many rows match (every case, one channel, the
late acknowledgements, a score). Run alone:

    python -m bench.report_cases_bench [count]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bench.scratch import scratch_database, timings_ms

if TYPE_CHECKING:
    from memnun.accounts.models import User

REQUESTS = 50
# (metric, key): from every case of the year to a sparse figure.
FIGURES = [
    ("received.total", None), ("received.by_channel", "fax"), ("acknowledgement.late", None),
    ("acknowledgement.pending", None), ("status", "under_review"),
]


def run(count: int = 1_000_000) -> list[tuple[str, str]]:
    with scratch_database("drill-bench"):
        return _measure(count)


def _measure(count: int) -> list[tuple[str, str]]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from memnun.accounts.models import User
    from memnun.devtools.fill import feedback_fill
    from memnun.feedback.selectors.reports import Period, ReportFilters
    from memnun.feedback.selectors.reports.drill import cases_behind, cases_page
    from memnun.feedback.selectors.reports.periods import report_today

    results: list[tuple[str, str]] = []
    began = time.perf_counter()
    feedback_fill(count=count, seed=count)
    results.append((f"fill {count:,} cases ({connection.vendor})",
                    f"{time.perf_counter() - began:.1f} s"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = report_today(now=timezone.now())
    year = Period(today - timedelta(days=364), today)
    for username in ("quality", "reviewer"):
        viewer = User.objects.get(username=username)
        scope = "all offices" if username == "quality" else "one office"
        for code, key in FIGURES:
            def page(code: str = code, key: str | None = key, viewer: User = viewer) -> object:
                cases = cases_behind(code=code, key=key, period=year,
                                     filters=ReportFilters(), viewer=viewer)
                return cases_page(cases, after=None, limit=50)

            page()  # warm
            p50, p95, _ = timings_ms(page, REQUESTS)
            label = f"{code}{'=' + key if key else ''}"
            results.append((f"cases behind {label}, first page, {scope}, a year of {count:,}",
                            f"p50 {p50:.2f} ms, p95 {p95:.2f} ms"))
    client = Client()
    client.force_login(User.objects.get(username="quality"))
    url = f"/desk/reports/cases/?metric=acknowledgement.late&from={year.start}&to={year.end}"
    client.get(url)  # warm
    p50, p95, _ = timings_ms(lambda: client.get(url), 20)
    results.append((f"GET /desk/reports/cases/ (test client, late acks), {count:,}",
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"))
    return results


def main(argv: Sequence[str]) -> None:
    count = int(argv[0].replace("_", "").replace(",", "")) if argv else 1_000_000
    for label, figure in run(count):
        print(f"| {label} | {figure} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
