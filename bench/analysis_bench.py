"""Repeat clusters and surges over a year of cases: server time of the two selectors.

Runs against a throwaway database (as `queue_bench`): a SQLite file in a
temporary directory, or, when DATABASE_URL is set, a `test_<name>` database
dropped afterwards. The fill has no device identifiers and no categories, so
after it one case in ten shares a value with the next one (IMEI, repair
order, phone or e-mail in turn), and the later of each pair received within
the repeat window is marked `is_repeat`, as intake would have; complaints get
a category. Run alone:

    python -m bench.analysis_bench [count]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.queue_bench import _django, _timings_ms

REQUESTS = 20


def _identifiers() -> int:
    """Pairs sharing a value (ids 10k and 10k+1), the later one marked when in the window."""
    from django.db import transaction

    from memnun.feedback.models import Customer, Feedback
    from memnun.feedback.selectors.repeats import repeat_window_days
    from memnun.organisation.models import Category

    window = timedelta(days=repeat_window_days())
    rows = list(
        Feedback.objects.filter(id__regex=r"[01]$")
        .values_list("id", "customer_id", "received_at").order_by("id")
    )
    by_id = {pk: (customer, at) for pk, customer, at in rows}
    marked: list[int] = []
    with transaction.atomic():
        for pk, (customer, received_at) in by_id.items():
            if pk % 10 != 1 or pk - 1 not in by_id:
                continue
            group, (partner_customer, partner_at) = pk // 10, by_id[pk - 1]
            kind = group % 4
            pair = [pk, pk - 1]
            if kind == 0:
                Feedback.objects.filter(pk__in=pair).update(imei=f"35{group:013d}")
            elif kind == 1:
                Feedback.objects.filter(pk__in=pair).update(repair_order=f"SR-{group}")
            elif kind == 2:
                Customer.objects.filter(pk__in=[customer, partner_customer]).update(
                    phone=f"+90555{group:07d}")
            else:
                Customer.objects.filter(pk__in=[customer, partner_customer]).update(
                    email=f"tekrar{group}@example.com")
            if abs(received_at - partner_at) <= window:
                marked.append(pk if received_at >= partner_at else pk - 1)
        for start in range(0, len(marked), 500):
            Feedback.objects.filter(pk__in=marked[start:start + 500]).update(is_repeat=True)
        categories = list(Category.objects.order_by("id").values_list("id", flat=True))
        for i, category in enumerate(categories):
            Feedback.objects.filter(type="complaint", id__regex=f"{i}$").update(
                category_id=category)
    return len(marked)


def run(count: int = 500_000) -> list[tuple[str, str]]:
    tmp = Path(tempfile.mkdtemp(prefix="memnun-analysis-bench-"))
    _django(tmp)
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from memnun.accounts.models import User
    from memnun.devtools.fill import feedback_fill
    from memnun.feedback.models import Feedback
    from memnun.feedback.selectors.reports.periods import report_today
    from memnun.feedback.selectors.reports.repeat_clusters import repeat_clusters
    from memnun.feedback.selectors.reports.scope import Period, ReportFilters
    from memnun.feedback.selectors.reports.surges import last_complete_week, surges_of_week
    from memnun.organisation.demo import demo_load

    results: list[tuple[str, str]] = []
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        demo_load()
        began = time.perf_counter()
        feedback_fill(count=count, seed=count)
        marked = _identifiers()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        results.append((f"fill {count:,} cases, {marked:,} marked repeats ({connection.vendor})",
                        f"{time.perf_counter() - began:.0f} s"))
        quality = User.objects.get(username="quality")
        today = report_today(now=timezone.now())
        year = Period(start=today - timedelta(days=364), end=today)
        for office in ("istanbul", None):
            cases = Feedback.objects.filter(received_at__gte=year.bounds()[0])
            if office:
                cases = cases.filter(office__code=office)
            label = f"{cases.count():,} cases, {office or 'all offices'}, a year"

            def clusters(office: str | None = office) -> object:
                return repeat_clusters(period=year, filters=ReportFilters(office=office),
                                       viewer=quality)

            found, _ = repeat_clusters(period=year, filters=ReportFilters(office=office),
                                       viewer=quality)
            p50, p95 = _timings_ms(clusters, REQUESTS)
            results.append((f"repeat clusters ({len(found):,}), {label}",
                            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"))
        week = last_complete_week(now=timezone.now())
        p50, p95 = _timings_ms(lambda: surges_of_week(week=week), REQUESTS)
        results.append((f"surges of a week (9 weeks read), all offices, {count:,} cases",
                        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
    return results


if __name__ == "__main__":
    for label, figure in run(int(sys.argv[1]) if len(sys.argv) > 1 else 500_000):
        print(f"| {label} | {figure} |")
