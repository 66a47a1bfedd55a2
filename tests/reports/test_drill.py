"""The cases behind each figure: as many as the figure counts, for every catalogue metric.

Generic over the catalogue: every metric the KPI answer holds is drilled, so
a metric added to the catalogue is checked here without a new test.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest
from django.db.models import Avg

from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from memnun.feedback.selectors.reports.catalogue import CATALOGUE, NO_VALUE, Kind
from memnun.feedback.selectors.reports.drill import (
    ABSENT,
    CasesKey,
    answer_at,
    cases_behind,
    cases_cursor_decode,
    cases_cursor_encode,
    cases_page,
)
from memnun.feedback.services.report_rollup import rollup_rebuild
from tests.casework import user
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PERIOD = Period(date.fromisoformat(FROM), date.fromisoformat(TO))
# Each rate's denominator, read from the answer (a new rate needs its line here).
_DENOMINATORS: Mapping[str, Callable[[Mapping[str, Any]], int]] = {
    "acknowledgement.rate": lambda a: (a["acknowledgement"]["on_time"]
                                       + a["acknowledgement"]["late"]),
    "resolved_within_target.rate": lambda a: a["resolved_within_target"]["resolved"],
    "satisfaction.response_rate": lambda a: a["satisfaction"]["sent"],
}


def _count(code: str, key: str | None, filters: ReportFilters, viewer: str = "quality") -> int:
    return cases_behind(code=code, key=key, period=PERIOD, filters=filters,
                        viewer=user(viewer)).count()


def _check_every_metric(filters: ReportFilters, viewer: str = "quality") -> set[str]:
    """Each figure against the number of its cases; the codes checked."""
    answer = kpi(period=PERIOD, filters=filters, viewer=user(viewer))
    checked = set()
    for metric in CATALOGUE:
        value = answer_at(answer, metric.code)
        if value is ABSENT:
            continue
        cases = cases_behind(code=metric.code, key=None, period=PERIOD, filters=filters,
                             viewer=user(viewer))
        if metric.kind is Kind.COUNT:
            assert cases.count() == value, metric.code
        elif metric.kind is Kind.BREAKDOWN and isinstance(value, Mapping):
            for key, count in value.items():
                if isinstance(count, int):
                    assert _count(metric.code, key, filters, viewer) == count, (metric.code, key)
        elif metric.kind is Kind.MEAN:
            mean = cases.aggregate(mean=Avg(metric.field))["mean"]
            assert (None if mean is None else round(float(mean), 2)) == value, metric.code
        elif metric.kind is Kind.TABLE:
            for key, row in value.items():
                # A row's cases: those of its counted parts (on time, late, pending; responses).
                counted = sum(row[name] for name, part in metric.parts.items() if not part.total)
                assert _count(metric.code, key, filters, viewer) == counted, (metric.code, key)
        elif metric.kind is Kind.BY_HANDLER:
            for row in value:
                key = row["handler"] or NO_VALUE
                assert _count(metric.code, key, filters, viewer) == row["responses"], key
        elif metric.kind is Kind.DURATION:
            assert cases.count() == value["cases"], metric.code
        elif metric.kind is Kind.BUSINESS_HOURS:
            # The cases it is measured over: as many as the duration of the same fact counts,
            # and their stored facts (tenths of a business hour) give the same figure.
            same = next(m for m in CATALOGUE if m.kind is Kind.DURATION and m.field == metric.field)
            assert cases.count() == answer_at(answer, same.code)["cases"], metric.code
            tenths = sorted(cases.values_list(metric.field, flat=True))
            if metric.code.endswith(".median"):
                assert (round(statistics.median(tenths) / 10, 2) if tenths else None) == value
        elif metric.kind is Kind.RATE:
            # A rate's cases: those it is a share of.
            assert cases.count() == _DENOMINATORS[metric.code](answer), metric.code
        checked.add(metric.code)
    return checked


def test_every_figure_counts_exactly_its_cases(demo: None) -> None:
    week()
    checked = _check_every_metric(ReportFilters())
    # Every metric of the catalogue the answer holds was drilled.
    assert checked == {m.code for m in CATALOGUE}


@pytest.mark.parametrize("filters", [
    ReportFilters(office="ankara"),
    ReportFilters(brand="samsung", channel="fax"),
    ReportFilters(category="repair-delay", type="complaint"),
])
def test_with_filters_too(demo: None, filters: ReportFilters) -> None:
    week()
    _check_every_metric(filters)


def test_a_reviewer_s_figures_and_cases_are_their_office_s(demo: None) -> None:
    week()
    _check_every_metric(ReportFilters(), viewer="reviewer")
    behind = cases_behind(code="received.total", key=None, period=PERIOD,
                          filters=ReportFilters(), viewer=user("reviewer"))
    assert {f.office.code for f in behind} == {"istanbul"}
    with pytest.raises(NotPermitted):
        cases_behind(code="received.total", key=None, period=PERIOD,
                     filters=ReportFilters(office="ankara"), viewer=user("reviewer"))
    with pytest.raises(NotPermitted):
        cases_behind(code="received.total", key=None, period=PERIOD,
                     filters=ReportFilters(), viewer=user("agent"))


def test_the_known_cases_behind_some_figures(demo: None) -> None:
    w = week()

    def refs(code: str, key: str | None = None) -> set[str]:
        return {f.reference for f in cases_behind(code=code, key=key, period=PERIOD,
                                                  filters=ReportFilters(), viewer=user("quality"))}

    assert refs("acknowledgement.late") == {w.b.reference}
    assert refs("received.by_channel", "fax") == {w.a.reference, w.b.reference, w.h.reference}
    assert refs("closed", "merged") == {w.e.reference}
    assert refs("reopened") == {w.d.reference}
    assert refs("satisfaction.distribution", "4") == {w.b.reference}
    assert refs("received.by_office", "ankara") == {w.c.reference, w.h.reference}
    # A median's cases: those it is measured over (A, B, D reached resolved).
    assert refs("resolution_business_hours.median") == {w.a.reference, w.b.reference,
                                                        w.d.reference}
    # A rate: the cases it is a share of (B acknowledged late, the others on time).
    assert refs("acknowledgement.rate") == refs("acknowledgement.on_time") | {w.b.reference}
    # A whole breakdown: the cases of its keys (the three reported closures).
    assert refs("closed") == {w.a.reference, w.b.reference, w.e.reference}


def test_a_case_without_its_decision_fact_is_neither_measured_nor_listed(demo: None) -> None:
    """A case resolved before the report facts existed (not yet backfilled) has no duration:
    the median leaves it out, and so does the list of its cases."""
    w = week()
    Feedback.objects.filter(pk=w.a.pk).update(decision_tenths=None)
    rollup_rebuild()
    answer = kpi(period=PERIOD, filters=ReportFilters(), viewer=user("quality"))
    assert answer["times_business_hours"]["decision"]["cases"] == 2
    for code in ("resolution_business_hours.median", "times_business_hours.decision"):
        listed = cases_behind(code=code, key=None, period=PERIOD, filters=ReportFilters(),
                              viewer=user("quality"))
        assert {f.reference for f in listed} == {w.b.reference, w.d.reference}, code
    _check_every_metric(ReportFilters())


@pytest.mark.parametrize(("code", "key", "field"), [
    ("no.such.metric", None, "metric"),
    ("received.by_channel", "pigeon", "key"),
    ("received.total", "fax", "key"),
])
def test_an_unknown_metric_or_key_is_refused(
    demo: None, code: str, key: str | None, field: str
) -> None:
    with pytest.raises(FieldErrors) as refused:
        cases_behind(code=code, key=key, period=PERIOD, filters=ReportFilters(),
                     viewer=user("quality"))
    assert list(refused.value.fields) == [field]


def test_pages_run_latest_first_without_gaps_or_repeats(demo: None) -> None:
    week()
    cases = cases_behind(code="received.total", key=None, period=PERIOD,
                         filters=ReportFilters(), viewer=user("quality"))
    expected = [f.reference for f in cases.order_by("-received_at", "-id")]
    seen: list[str] = []
    after: CasesKey | None = None
    while True:
        page, after = cases_page(cases, after=after, limit=2)
        seen += [f.reference for f in page]
        if after is None:
            break
        after = cases_cursor_decode(cases_cursor_encode(after))
    assert seen == expected and len(seen) == 7


@pytest.mark.parametrize("cursor", ["nonsense", "WzEsMl0=", "WyIyMDI1LTA0LTIxVDEwOjAwOjAwIiwxXQ=="])
def test_a_cursor_not_from_a_page_is_refused(cursor: str) -> None:
    with pytest.raises(FieldErrors):
        cases_cursor_decode(cursor)
