"""A million cases (issue 14, part 3; issue 10 "Fast"): fill once, then time what users do.

Fills N realistic cases (`fill_feedback`: stages, obligations, messages, audit
events…; COPY on PostgreSQL) into its own throwaway database (bench/scratch.py:
`test_<name>` beside DATABASE_URL's database, else a SQLite file), prepares the
reports as after any bulk load (`reports_backfill`, `reports_rebuild`), then
measures p50/p95 of repeated calls after one warm call.

Server time: each call goes through Django's test client in the bench's own
process, so it is the whole of Django's handling of the request (middleware,
view, queries, template rendering), without a network or a WSGI server in front.

Targets (issue 14): p95 under 50 ms for each step, under 500 ms for the year's
dashboard figures (the KPI API and the desk dashboard). Run alone:

    python -m bench.million_bench [count]        (default 1,000,000)

Or fill the database DATABASE_URL names (or the SQLite default under
MEMNUN_DATA_DIR) once and keep it, then measure it as often as needed, e.g. on a
quiet machine after a change (the measuring run migrates first, as an upgrade would):

    python -m bench.million_bench --kept 1000000   (migrate, demo, fill, prepare)
    python -m bench.million_bench --kept           (measure only)

`run()` returns (label, figure) pairs for the project's bench report; a step over
its target is marked "over target".
"""

from __future__ import annotations

import sys
import time
from typing import Any

from bench.report_bench import _prepare, _progress
from bench.scratch import kept_database, scratch_database, timings_ms

REQUESTS = 30
# A slow step still gets a figure (at least five calls) without holding the run for long.
BUDGET_S = 30.0
TARGET_MS = 50.0
DASHBOARD_TARGET_MS = 500.0
TRACKING_CODE = "BENCH-CODE-0001"


def _fill(count: int) -> list[tuple[str, str]]:
    from django.db import connection

    from memnun.audit.models import AuditEvent
    from memnun.devtools.fill import feedback_fill
    from memnun.feedback.models import CaseMessage, Obligation, StageChange

    began = time.perf_counter()
    feedback_fill(count=count, seed=count, progress=_progress(count))
    seconds = time.perf_counter() - began
    rows = {
        "stages": StageChange.objects.count(), "obligations": Obligation.objects.count(),
        "messages": CaseMessage.objects.count(), "audit events": AuditEvent.objects.count(),
    }
    made = ", ".join(f"{n:,} {name}" for name, n in rows.items())
    return [(f"million: fill {count:,} cases, {connection.vendor} ({made})",
             f"{seconds:.1f} s, {count / seconds:,.0f} cases/s")]


def _samples() -> dict[str, Any]:
    """One case of the busiest office with a customer that has every searchable field."""
    from memnun.feedback.models import Feedback
    from memnun.feedback.references import tracking_code_hash

    case = (
        Feedback.objects.exclude(imei="").exclude(customer__email="")
        .select_related("customer", "office").order_by("-received_at").first()
    )
    assert case is not None, "the fill wrote no case with an IMEI and an e-mail"
    # The fill's tracking codes are held by nobody: give this one a known code.
    Feedback.objects.filter(pk=case.pk).update(tracking_code_hash=tracking_code_hash(TRACKING_CODE))
    return {"case": case, "office": case.office.code,
            # Upper case the Turkish way (i → İ, ı → I), as a member of staff would type it.
            "surname": case.customer.name.split()[-1].replace("i", "İ").replace("ı", "I").upper()}


def _measure(label: str) -> list[tuple[str, str]]:
    from django.test import Client
    from django.utils import timezone

    from memnun.accounts.models import User
    from memnun.accounts.tokens import token_issue
    from memnun.feedback.selectors.reports.periods import Preset, period_preset, report_today

    quality = User.objects.get(username="quality")
    api = Client(headers={"Authorization": f"Bearer {token_issue(user=quality).token}"})
    desk = Client()
    desk.force_login(quality)
    public = Client()
    sample = _samples()
    case, office = sample["case"], sample["office"]
    customer = case.customer
    year = period_preset(preset=Preset.YEAR, today=report_today(now=timezone.now()))
    span = f"from={year.start.isoformat()}&to={year.end.isoformat()}"
    # Access to the case page for this browser, as after the customer's first lookup.
    found = public.post("/track/", {"reference": case.reference, "code": TRACKING_CODE})
    assert found.status_code == 302, (found.status_code, found.content[:300])
    q = "/desk/queue/?q="
    steps: list[tuple[str, Client, str, str | dict[str, str], int, float]] = [
        ("desk queue, first page, all offices", desk, "GET", "/desk/queue/", 200, TARGET_MS),
        (f"desk queue, first page, office {office}", desk, "GET",
         f"/desk/queue/?office={office}", 200, TARGET_MS),
        ("GET /api/v1/queue, first page, all offices", api, "GET", "/api/v1/queue?limit=50",
         200, TARGET_MS),
        ("search by reference", desk, "GET", q + case.reference, 200, TARGET_MS),
        ("search by phone (0 5xx form)", desk, "GET",
         q + "0" + customer.phone.removeprefix("+90"), 200, TARGET_MS),
        ("search by e-mail", desk, "GET", q + customer.email, 200, TARGET_MS),
        ("search by IMEI", desk, "GET", q + case.imei, 200, TARGET_MS),
        (f"search by name, upper case ({sample['surname']}, Turkish folding)", desk, "GET",
         q + sample["surname"], 200, TARGET_MS),
        ("case page (desk)", desk, "GET", f"/desk/feedback/{case.reference}", 200, TARGET_MS),
        ("tracking: reference and code (POST /track/)", public, "POST",
         {"reference": case.reference, "code": TRACKING_CODE}, 302, TARGET_MS),
        ("tracking: the customer's case page", public, "GET", f"/track/{case.reference}",
         200, TARGET_MS),
        ("GET /api/v1/reports/kpi, year, all offices", api, "GET",
         f"/api/v1/reports/kpi?{span}", 200, DASHBOARD_TARGET_MS),
        (f"GET /api/v1/reports/kpi, year, office {office}", api, "GET",
         f"/api/v1/reports/kpi?{span}&office={office}", 200, DASHBOARD_TARGET_MS),
        ("desk dashboard, year (/desk/reports/?period=year)", desk, "GET",
         "/desk/reports/?period=year", 200, DASHBOARD_TARGET_MS),
    ]
    results = []
    for name, client, method, target, status, limit in steps:
        def call(c: Client = client, m: str = method, t: Any = target) -> Any:
            return c.post("/track/", t) if m == "POST" else c.get(t)

        response = call()  # warm
        assert response.status_code == status, (name, response.status_code,
                                                response.content[:300])
        if "search" in name:
            # The search must find the sample case, or its figure means nothing.
            assert case.reference.encode() in response.content, name
        p50, p95, n = timings_ms(call, REQUESTS, budget_s=BUDGET_S)
        mark = "" if p95 < limit else f" — over target ({limit:.0f} ms)"
        results.append((f"million: {name}, {label}",
                        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={n}){mark}"))
        print(f"  {results[-1][0]}: {results[-1][1]}", flush=True)
    return results


def run(count: int = 1_000_000) -> list[tuple[str, str]]:
    with scratch_database("million-bench"):
        from django.db import connection

        results = _fill(count)
        label = f"{count:,} cases, {connection.vendor}"
        results += _prepare(label)
        results += _measure(label)
    return results


def run_kept(count: int | None) -> list[tuple[str, str]]:
    """Fill and prepare (with `count`) or measure (without) the database the settings name."""
    with kept_database(fresh=count is not None):
        from django.db import connection

        from memnun.feedback.models import Feedback

        if count is not None:
            label = f"{count:,} cases, {connection.vendor}, kept"
            return _fill(count) + _prepare(label)
        return _measure(f"{Feedback.objects.count():,} cases, {connection.vendor}, kept")


def main(argv: list[str]) -> None:
    kept = "--kept" in argv
    argv = [a for a in argv if a != "--kept"]
    count = int(argv[0].replace("_", "").replace(",", "")) if argv else None
    rows = run_kept(count) if kept else run(count or 1_000_000)
    for label, figure in rows:
        print(f"{label:<90} {figure}")


if __name__ == "__main__":
    main(sys.argv[1:])
