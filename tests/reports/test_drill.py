"""The cases behind each figure: as many as the figure counts, for every catalogue metric.

Generic over the catalogue: every metric the KPI answer holds is drilled, so
a metric added to the catalogue is checked here without a new test.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from datetime import date

import pytest
from django.db.models import Avg

from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from memnun.feedback.selectors.reports.catalogue import CATALOGUE, Kind
from memnun.feedback.selectors.reports.drill import (
    ABSENT,
    CasesKey,
    answer_at,
    cases_behind,
    cases_cursor_decode,
    cases_cursor_encode,
    cases_page,
)
from tests.casework import user
from tests.reports.known_cases import FROM, TO, week

pytestmark = pytest.mark.django_db

PERIOD = Period(date.fromisoformat(FROM), date.fromisoformat(TO))
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
        elif metric.kind is Kind.BUSINESS_HOURS and metric.code.endswith(".median"):
            # The cases the median is measured over: re-measured from their stored facts
            # (tenths of a business hour), the same median.
            tenths = [t for t in cases.values_list(metric.field, flat=True) if t is not None]
            assert (round(statistics.median(tenths) / 10, 2) if tenths else None) == value
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
    # A whole breakdown: the cases of its keys (the three reported closures).
    assert refs("closed") == {w.a.reference, w.b.reference, w.e.reference}


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
