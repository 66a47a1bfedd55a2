"""The rollup answers exactly what the raw cases answer, also after past cases change."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.models import Feedback, ReportDay
from memnun.feedback.selectors.reports import PARETO_KEYS, Period, ReportFilters, kpi, pareto
from memnun.feedback.selectors.reports.cells import cell_columns
from memnun.feedback.selectors.reports.rollup import pareto_rollable
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.compensation import compensation_propose
from memnun.feedback.services.customer_answers import customer_answer_record, survey_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_reopen,
    feedback_start,
)
from memnun.feedback.services.questions import question_answer, question_ask
from memnun.feedback.services.report_rollup import rollup_catch_up
from tests.casework import user
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db

NOW = at("2025-06-02 10:00")
CHANNELS = ["web", "email", "phone", "fax", "letter", "front_office"]
OFFICES = ["istanbul", "istanbul", "ankara", "izmir"]
CATEGORIES = ["repair-delay", "parts", "battery-safety", "repair-quality"]


def _fresh(case: Feedback) -> Feedback:
    case.refresh_from_db()
    return case


def _try(step: Callable[[], object]) -> None:
    # A random walk: a refused move (wrong status, role or office) is simply not made.
    with contextlib.suppress(Conflict, FieldErrors, NotPermitted):
        step()


def _advance(rng: random.Random, case: Feedback, when: datetime, steps: int) -> None:
    def later() -> datetime:
        nonlocal when
        when += timedelta(hours=rng.choice([1, 3, 7, 20, 30]))
        return when

    moves: list[Callable[[], object]] = [
        lambda: feedback_acknowledge(feedback=_fresh(case), method="letter", sent_at=later(),
                                     actor=user("quality")),
        lambda: feedback_start(
            actor=user("reviewer"), feedback=_fresh(case), assignee="handler", now=later(),
            assessment=AssessmentInput(severity="medium", safety_hazard=False,
                                       category=rng.choice(CATEGORIES))),
        lambda: question_ask(actor=user("handler"), feedback=_fresh(case),
                             question="Faturanız var mı?", now=later()),
        lambda: question_answer(feedback=_fresh(case), answer="Evet.", now=later()),
        lambda: compensation_propose(
            actor=user("handler"), feedback=_fresh(case), kind="refund",
            amount=Decimal(rng.choice(["150.25", "900.00", "2500.00"])),
            legal_basis="TKHK m. 11", now=later()),
        lambda: feedback_propose(
            actor=user("handler"), feedback=_fresh(case), root_cause="Parça.",
            root_cause_category="part-supply", corrective_action="Tedarik.",
            resolution="Değişim.", now=later()),
        lambda: feedback_approve(actor=user("reviewer"), feedback=_fresh(case), now=later()),
        lambda: customer_answer_record(feedback=_fresh(case), accept=rng.random() < 0.7,
                                       now=later()),
        lambda: feedback_close(actor=user("handler"), feedback=_fresh(case),
                               closure="customer_agreed", now=later()),
        lambda: survey_record(feedback=_fresh(case), score=rng.randint(1, 5), now=later()),
        lambda: feedback_reopen(actor=user("agent"), feedback=_fresh(case),
                                reason="Tekrar arızalandı.", now=later()),
    ]
    for move in moves[:steps]:
        _try(move)


def _cases(rng: random.Random, n: int) -> list[tuple[Feedback, datetime]]:
    made = []
    for _ in range(n):
        received = at("2025-03-20 00:00") + timedelta(minutes=rng.randrange(0, 60 * 24 * 70))
        office = rng.choice(OFFICES)
        case = record(channel=rng.choice(CHANNELS), received_at=received, office=office,
                      actor="quality", type=rng.choice(["complaint"] * 3 + ["suggestion"]),
                      brand=rng.choice(["Samsung", "Apple", "", "Nokya"]))
        made.append((case, received))
    return made


PERIODS = [
    Period(date(2025, 3, 1), date(2025, 5, 31)),   # whole months only
    Period(date(2025, 3, 25), date(2025, 5, 10)),  # April whole, edges in March and May
    Period(date(2025, 4, 7), date(2025, 4, 13)),   # one week
    Period(date(2025, 4, 30), date(2025, 4, 30)),  # one day
]
FILTERS = [ReportFilters(), ReportFilters(office="istanbul"), ReportFilters(channel="fax"),
           ReportFilters(type="complaint", office="ankara")]


def _same_answers() -> None:
    quality = user("quality")
    for period in PERIODS:
        for filters in FILTERS:
            rolled = kpi(period=period, filters=filters, viewer=quality, now=NOW)
            raw = kpi(period=period, filters=filters, viewer=quality, now=NOW, raw=True)
            assert rolled == raw, (period, filters)


def test_the_rollup_and_the_raw_cases_agree_before_and_after_past_cases_change(
    demo: None,
) -> None:
    rng = random.Random(20250421)
    made = _cases(rng, 28)
    for case, received in made[:20]:
        _advance(rng, case, received, rng.randint(0, 11))
    _same_answers()
    assert ReportDay.objects.exists()
    # Past cases move on after the first read (and the untouched ones start): the days
    # they were received on are recomputed at the next read.
    for case, received in made:
        _advance(rng, case, received + timedelta(days=3), rng.randint(1, 11))
    _same_answers()
    assert rollup_catch_up() == 0  # nothing left to take in


PARETO_FILTERS = [
    *FILTERS, ReportFilters(brand="samsung"), ReportFilters(category="repair-delay"),
    ReportFilters(office="izmir", channel="web"), ReportFilters(type="suggestion"),
]


def _same_pareto() -> int:
    """Every Pareto key under every filter, rollup (where it can) against the raw cases;
    how many answers the rollup gave."""
    quality, rolled = user("quality"), 0
    for period in PERIODS:
        for filters in PARETO_FILTERS:
            for by in PARETO_KEYS:
                answer = pareto(period=period, by=by, filters=filters, viewer=quality)
                raw = pareto(period=period, by=by, filters=filters, viewer=quality, raw=True)
                assert answer == raw, (period, filters, by)
                rolled += pareto_rollable(by=by, scoped=filters)
    return rolled


def test_the_pareto_from_the_rollup_is_the_pareto_of_the_raw_cases(demo: None) -> None:
    """R8.2b: the Pareto by office, brand and category read from the day cells gives the
    same items, counts, shares and order as counting the complaints, also after past cases
    change (category set, brand and type as recorded)."""
    rng = random.Random(20251202)
    made = _cases(rng, 30)
    for case, received in made[:22]:
        _advance(rng, case, received, rng.randint(0, 11))
    # From the rollup, per period: office, brand and category unfiltered, for one office
    # and for complaints of one office (9); the brand's Pareto of one brand, the
    # category's of one category, the office's under a channel filter (twice): 13.
    assert _same_pareto() == 4 * 13
    items = pareto(period=PERIODS[0], by="category", filters=ReportFilters(),
                   viewer=user("quality"))["items"]
    assert sum(i["count"] for i in items if i["key"] is not None) > 0  # categorised ones
    assert any(i["key"] is None and i["count"] for i in items)  # and some without
    for case, received in made:
        _advance(rng, case, received + timedelta(days=3), rng.randint(1, 11))
    _same_pareto()
    assert rollup_catch_up() == 0


def test_reports_rebuild_gives_the_same_rollup(demo: None) -> None:
    rng = random.Random(7)
    for case, received in _cases(rng, 8):
        _advance(rng, case, received, 9)
    period, quality = PERIODS[0], user("quality")
    before = kpi(period=period, filters=ReportFilters(), viewer=quality, now=NOW)
    cells = sorted(ReportDay.objects.values_list("day", "office_id", "channel", "type",
                                                 "received_total", "status_closed"))
    out, err = StringIO(), StringIO()
    call_command("reports_rebuild", stdout=out, stderr=err)
    assert "Report rollup rebuilt" in out.getvalue() and "days" in err.getvalue()
    assert sorted(ReportDay.objects.values_list("day", "office_id", "channel", "type",
                                                "received_total", "status_closed")) == cells
    assert kpi(period=period, filters=ReportFilters(), viewer=quality, now=NOW) == before


def test_a_cell_has_a_column_for_every_counter_of_the_catalogue() -> None:
    stored = {f.name for f in ReportDay._meta.get_fields()} - {
        "id", "day", "office", "channel", "type", "compensation_count", "compensation_cents"}
    assert stored == set(cell_columns())


def test_the_rollup_catches_up_every_minute(demo: None) -> None:
    from memnun.jobs.schedule import PERIODIC, autodiscover

    autodiscover()
    periodic = PERIODIC["feedback.report_rollup"]
    assert periodic.period.total_seconds() == 60
    # Run as the worker runs it: a case recorded since is in the cells afterwards.
    record(channel="fax", received_at=at("2025-04-22 10:00"))
    assert periodic.task.call() >= 1
    assert ReportDay.objects.get(day=date(2025, 4, 22)).received_total == 1
    assert periodic.task.call() == 0


def test_the_counter_names_are_those_of_the_counters(demo: None) -> None:
    from memnun.feedback.selectors.reports.kpi import breakdown_keys, counter_names, counters

    keys = breakdown_keys()
    assert counter_names(keys) == list(counters(keys))
