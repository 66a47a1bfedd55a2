"""Reports over a year of N realistic cases (issue 10 "Fast", issue 14 part 3).

Fills N cases with their case work (`fill_feedback`: stages, assessment,
proposals, answers, surveys…) into a throwaway database (bench/scratch.py),
runs the preparation commands the reports need when they exist
(`reports_backfill`, `reports_rebuild`) and times them, then measures p50/p95
of repeated calls, after one warm call, through Django's test client (server
time, no network): the KPI API for this calendar year (all offices, one
office, and one brand as an informational row), the Pareto API by category,
the desk dashboard (`?period=year`, as the demo `quality` user) and the first
page of the desk queue filtered by one office. Run alone:

    python -m bench.report_bench [count]      (default 1,000,000)

To measure one fill against several commits, fill the database DATABASE_URL
names (or the SQLite default) once and keep it, then measure it as often as
needed (the measuring run applies the migrations first, as an upgrade would):

    python -m bench.report_bench --kept 1000000   (migrate, demo, fill, prepare)
    python -m bench.report_bench --kept           (measure only)

`run()` returns (label, figure) pairs for the project's bench report.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from io import StringIO
from typing import TYPE_CHECKING

from bench.scratch import kept_database, scratch_database, timings_ms

if TYPE_CHECKING:
    from memnun.devtools.fill import FillProgress

REQUESTS = 20
# Past this many seconds of one row's calls, stop at five samples: a slow page still
# gets a figure without holding the run for long.
BUDGET_S = 60.0
PREPARATION = ("reports_backfill", "reports_rebuild")


def _progress(count: int) -> Callable[[FillProgress], None]:
    step = max(1, count // 10)
    shown = [0]

    def report(p: FillProgress) -> None:
        if p.done - shown[0] >= step or p.done == p.total:
            shown[0] = p.done
            print(f"  fill {p.done:>9,} / {p.total:,}"
                  f"  {p.done / max(p.seconds, 1e-9):,.0f} cases/s", flush=True)

    return report


def _prepare(label: str) -> list[tuple[str, str]]:
    from django.core.management import call_command, get_commands

    rows = []
    for name in PREPARATION:
        if name not in get_commands():
            rows.append((f"reports: manage.py {name}, {label}", "not available"))
            continue
        began = time.perf_counter()
        call_command(name, stdout=StringIO())
        rows.append((f"reports: manage.py {name}, {label}",
                     f"{time.perf_counter() - began:.1f} s"))
    from django.db import connection

    if connection.vendor == "postgresql":
        # The backfill rewrote every case row: vacuum as autovacuum soon would, so the
        # covering indexes answer from the index alone (a visibility map to trust).
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        rows.append((f"reports: VACUUM ANALYZE, {label}", f"{time.perf_counter() - began:.1f} s"))
    return rows


def _fill(count: int) -> tuple[str, list[tuple[str, str]]]:
    """Fill `count` cases into the database in use and prepare the reports; the label."""
    from django.db import connection

    from memnun.devtools.fill import feedback_fill
    from memnun.feedback.models import StageChange

    began = time.perf_counter()
    feedback_fill(count=count, seed=count, progress=_progress(count))
    seconds = time.perf_counter() - began
    stages = StageChange.objects.count()
    label = f"{count:,} cases, {connection.vendor}"
    results = [(f"reports: fill {label} ({stages:,} stages)",
                f"{seconds:.1f} s, {count / seconds:,.0f} cases/s")]
    return label, results + _prepare(label)


def _measure(label: str) -> list[tuple[str, str]]:
    from django.test import Client
    from django.utils import timezone

    from memnun.accounts.models import User
    from memnun.accounts.tokens import token_issue
    from memnun.feedback.selectors.reports.periods import Preset, period_preset, report_today
    from memnun.organisation.models import Brand, Office

    results = []
    quality = User.objects.get(username="quality")
    api = Client(headers={"Authorization": f"Bearer {token_issue(user=quality).token}"})
    desk = Client()
    desk.force_login(quality)
    year = period_preset(preset=Preset.YEAR, today=report_today(now=timezone.now()))
    span = f"from={year.start.isoformat()}&to={year.end.isoformat()}"
    office = Office.objects.order_by("code").values_list("code", flat=True).first()
    brand = Brand.objects.order_by("code").values_list("code", flat=True).first()
    calls = [
        ("GET /api/v1/reports/kpi, year, all offices", api,
         f"/api/v1/reports/kpi?{span}"),
        (f"GET /api/v1/reports/kpi, year, office {office}", api,
         f"/api/v1/reports/kpi?{span}&office={office}"),
        (f"GET /api/v1/reports/kpi, year, brand {brand} (informational)", api,
         f"/api/v1/reports/kpi?{span}&brand={brand}"),
        ("GET /api/v1/reports/pareto?by=category, year", api,
         f"/api/v1/reports/pareto?by=category&{span}"),
        ("desk /desk/reports/?period=year (quality)", desk, "/desk/reports/?period=year"),
        (f"desk /desk/queue/?office={office}, first page (quality)", desk,
         f"/desk/queue/?office={office}"),
    ]
    for name, client, url in calls:
        response = client.get(url)  # warm
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        # A page answers for the period it was asked (an unknown parameter would fall
        # back to this month without a word).
        shown = getattr(response, "context", None) and response.context.get("period")
        assert shown in (None, year), (url, shown, year)
        p50, p95, n = timings_ms(lambda c=client, u=url: c.get(u), REQUESTS, budget_s=BUDGET_S)
        results.append((f"{name}, {label}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={n})"))
    return results


def run(count: int = 1_000_000) -> list[tuple[str, str]]:
    with scratch_database("report-bench"):
        label, results = _fill(count)
        results += _measure(label)
    return results


def run_kept(count: int | None) -> list[tuple[str, str]]:
    """Fill (with `count`) or measure (without) the database DATABASE_URL names, kept."""
    with kept_database(fresh=count is not None):
        from django.db import connection

        from memnun.feedback.models import Feedback

        if count is not None:
            return _fill(count)[1]
        label = f"{Feedback.objects.count():,} cases, {connection.vendor}, kept"
        return _measure(label)


def main(argv: list[str]) -> None:
    kept = "--kept" in argv
    argv = [a for a in argv if a != "--kept"]
    count = int(argv[0].replace("_", "").replace(",", "")) if argv else None
    rows = run_kept(count) if kept else run(count or 1_000_000)
    for label, figure in rows:
        print(f"{label:<72} {figure}")


if __name__ == "__main__":
    main(sys.argv[1:])
