"""Objectives (R6.2): measured against their targets from the KPI figures, trend over
12 periods, scope, approval by top management only, every change audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from memnun.audit.models import AuditEvent
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.objectives_models import ObjectiveStatus
from memnun.feedback.selectors.reports import ReportFilters, kpi
from memnun.feedback.selectors.reports.objectives import (
    figure_at,
    objective_metrics,
    objective_periods,
    objectives_progress,
    objectives_visible_to,
)
from memnun.feedback.services.objectives import (
    ObjectiveInput,
    objective_approve,
    objective_create,
    objective_edit,
    objective_retire,
)
from memnun.feedback.services.report_rollup import rollup_catch_up
from tests.casework import staff, user
from tests.feedback.cases import at, record
from tests.reports.known_cases import week
from tests.reports.objectives_helpers import objective

pytestmark = pytest.mark.django_db

# Within the known week: the current month is April 2025, the quarter Q2 2025.
TODAY = date(2025, 4, 25)


def _progress(viewer: str = "quality", **kwargs: object) -> dict[int, object]:
    rows = objectives_progress(viewer=user(viewer), today=TODAY, **kwargs)  # type: ignore[arg-type]
    return {row.objective.pk: row for row in rows}


# April 2025 (the week and two cases beside it): satisfaction mean 4.5 (scores 5 and 4),
# time to decision median 13.0 business hours (11, 13, 16.5), acknowledged on time 3;
# Ankara: no survey answer (mean: no data), 2 not yet acknowledged.
@pytest.mark.parametrize(("metric", "direction", "target", "office", "actual", "verdict"), [
    ("satisfaction.mean", "at_least", "4.2", None, Decimal("4.5"), "met"),
    ("satisfaction.mean", "at_least", "4.5", None, Decimal("4.5"), "met"),  # the target meets
    ("satisfaction.mean", "at_least", "4.6", None, Decimal("4.5"), "missed"),
    ("satisfaction.mean", "at_least", "4.2", "ankara", None, "no_data"),
    ("resolution_business_hours.median", "at_most", "16", None, Decimal("13"), "met"),
    ("resolution_business_hours.median", "at_most", "13", None, Decimal("13"), "met"),
    ("resolution_business_hours.median", "at_most", "12.5", None, Decimal("13"), "missed"),
    ("resolution_business_hours.median", "at_most", "16", "ankara", None, "no_data"),
    ("acknowledgement.on_time", "at_least", "3", None, Decimal("3"), "met"),
    ("acknowledgement.pending", "at_most", "1", "ankara", Decimal("2"), "missed"),
])
def test_met_missed_or_no_data(
    demo: None, metric: str, direction: str, target: str, office: str | None,
    actual: Decimal | None, verdict: str,
) -> None:
    week()
    made = objective(metric, target, direction, office=office)
    row = _progress(trend=False)[made.pk]
    assert row.actual == actual  # type: ignore[attr-defined]
    assert row.verdict == verdict  # type: ignore[attr-defined]
    assert (row.period.start, row.period.end) == (date(2025, 4, 1), date(2025, 4, 30))  # type: ignore[attr-defined]


def _earlier_cases() -> None:
    # Phone feedback is acknowledged on the spot (on time): one in November 2024, one in
    # March 2025, and one in April 2023 (outside the 12 months, inside the 12 quarters).
    for when in ("2024-11-14 10:00", "2025-03-03 10:00", "2023-04-10 10:00"):
        record(channel="phone", received_at=at(when))


def test_the_monthly_trend_is_the_kpi_figure_of_each_of_the_last_12_months(demo: None) -> None:
    week()
    _earlier_cases()
    made = objective("acknowledgement.on_time", "1")
    row = _progress()[made.pk]
    periods = [point.period for point in row.trend]  # type: ignore[attr-defined]
    assert periods == objective_periods(unit="month", today=TODAY)
    assert (periods[0].start, periods[-1].end) == (date(2024, 5, 1), date(2025, 4, 30))
    values = [point.value for point in row.trend]  # type: ignore[attr-defined]
    assert values == [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 3]
    for period, value in zip(periods, values, strict=True):
        answer = kpi(period=period, filters=ReportFilters(), viewer=user("quality"))
        assert value == answer["acknowledgement"]["on_time"]
    assert row.actual == values[-1]  # type: ignore[attr-defined]


def test_a_trend_catches_the_rollup_up_and_reads_the_backlog_once(demo: None) -> None:
    """Twelve periods of two scopes: one catch-up (its watermark read once), one backlog
    per scope, and the same figures as the KPI of each period."""
    week()
    _earlier_cases()
    everywhere = objective("acknowledgement.on_time", "1")
    ankara = objective("backlog.open", "5", "at_most", office="ankara")
    rollup_catch_up()  # nothing left to take in: the trend's catch-up reads the watermark
    with CaptureQueriesContext(connection) as queries:
        rows = _progress()
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("feedback_reportwatermark" in q for q in sql) == 1
    # The backlog's query: the open cases counted by age band (`band0` …).
    backlog_reads = [q for q in sql if '"band0"' in q]
    assert len(backlog_reads) == 2
    for made, filters in ((everywhere, ReportFilters()), (ankara, ReportFilters(office="ankara"))):
        for point in rows[made.pk].trend:  # type: ignore[attr-defined]
            answer = kpi(period=point.period, filters=filters, viewer=user("quality"))
            assert point.value == figure_at(answer, made.metric)


def test_the_quarterly_trend_of_a_mean_has_gaps_where_no_one_answered(demo: None) -> None:
    week()
    _earlier_cases()
    means = objective("satisfaction.mean", "4.2", unit="quarter")
    on_time = objective("acknowledgement.on_time", "1", unit="quarter")
    rows = _progress()
    periods = [p.period for p in rows[means.pk].trend]  # type: ignore[attr-defined]
    assert (periods[0].start, periods[-1].end) == (date(2022, 7, 1), date(2025, 6, 30))
    assert [p.value for p in rows[means.pk].trend] == [None] * 11 + [Decimal("4.5")]  # type: ignore[attr-defined]
    assert [p.value for p in rows[on_time.pk].trend] == (  # type: ignore[attr-defined]
        [0, 0, 0, 1] + [0] * 5 + [1, 1, 3])
    for point in rows[on_time.pk].trend:  # type: ignore[attr-defined]
        answer = kpi(period=point.period, filters=ReportFilters(), viewer=user("quality"))
        assert point.value == answer["acknowledgement"]["on_time"]


def test_scope_by_office_and_brand(demo: None) -> None:
    week()
    samsung = objective("resolution_business_hours.median", "12", "at_most", brand="samsung")
    apple = objective("resolution_business_hours.median", "12", "at_most", brand="apple")
    ankara_apple = objective("received.total", "1", "at_most", office="ankara", brand="apple")
    istanbul = objective("acknowledgement.on_time", "3", office="istanbul")
    rows = _progress(trend=False)
    assert (rows[samsung.pk].actual, rows[samsung.pk].verdict) == (12, "met")  # type: ignore[attr-defined]
    assert (rows[apple.pk].actual, rows[apple.pk].verdict) == (Decimal("16.5"), "missed")  # type: ignore[attr-defined]
    assert (rows[ankara_apple.pk].actual, rows[ankara_apple.pk].verdict) == (1, "met")  # type: ignore[attr-defined]
    assert (rows[istanbul.pk].actual, rows[istanbul.pk].verdict) == (3, "met")  # type: ignore[attr-defined]
    for made, filters in [(samsung, ReportFilters(brand="samsung")),
                          (ankara_apple, ReportFilters(office="ankara", brand="apple"))]:
        answer = kpi(period=rows[made.pk].period, filters=filters, viewer=user("quality"))  # type: ignore[attr-defined]
        assert rows[made.pk].actual == figure_at(answer, made.metric)  # type: ignore[attr-defined]


def test_drafts_and_retired_objectives_are_not_measured(demo: None) -> None:
    week()
    draft = objective("satisfaction.mean", "4.2", approved=False)
    retired = objective("satisfaction.mean", "4.2")
    objective_retire(actor=user("manager"), objective=retired)
    approved = objective("satisfaction.mean", "4.2")
    assert set(_progress(trend=False)) == {approved.pk}
    assert {o.pk for o in objectives_visible_to(user("quality"))} == {
        draft.pk, retired.pk, approved.pk}


def test_a_reviewer_sees_only_their_own_offices_objectives(demo: None) -> None:
    istanbul = objective("acknowledgement.on_time", "3", office="istanbul")
    ankara = objective("acknowledgement.pending", "0", "at_most", office="ankara")
    everywhere = objective("satisfaction.mean", "4.2")
    assert {o.pk for o in objectives_visible_to(user("reviewer"))} == {istanbul.pk}
    assert set(_progress("reviewer", trend=False)) == {istanbul.pk}
    for viewer in ("quality", "auditor", "manager"):
        assert set(_progress(viewer, trend=False)) == {istanbul.pk, ankara.pk, everywhere.pk}
    for viewer in ("agent", "handler", "admin"):
        with pytest.raises(NotPermitted):
            objectives_visible_to(user(viewer))
    staff("lead-nowhere", "reviewer", office=None)
    with pytest.raises(NotPermitted):
        objectives_progress(viewer=user("lead-nowhere"), today=TODAY)


def _input(**changes: object) -> ObjectiveInput:
    data: dict[str, object] = {
        "metric": "satisfaction.mean", "target": "4.2", "direction": "at_least",
        "period_unit": "month", "owner": "quality", "office": None, "brand": None,
    }
    return ObjectiveInput(**(data | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(("username", "may"), [
    ("agent", False), ("handler", False), ("reviewer", False), ("quality", False),
    ("auditor", False), ("admin", False), ("manager", True),
])
def test_only_top_management_approves(demo: None, username: str, may: bool) -> None:
    draft = objective_create(actor=user("quality"), data=_input())
    if not may:
        with pytest.raises(NotPermitted):
            objective_approve(actor=user(username), objective=draft)
        draft.refresh_from_db()
        assert draft.status == ObjectiveStatus.DRAFT and draft.approved_by is None
        return
    approved = objective_approve(actor=user(username), objective=draft, now=at("2026-11-02 09:00"))
    approved.refresh_from_db()
    assert approved.status == ObjectiveStatus.APPROVED
    assert approved.approved_by == user("manager")
    assert approved.approved_at == at("2026-11-02 09:00")
    event = AuditEvent.objects.get(action="objective.approved", object_id=str(draft.pk))
    assert event.actor == "manager" and event.data["metric"] == "satisfaction.mean"


@pytest.mark.parametrize(("username", "may"), [
    ("agent", False), ("handler", False), ("reviewer", False), ("auditor", False),
    ("admin", False), ("quality", True), ("manager", True),
])
def test_quality_managers_and_management_draft_objectives(
    demo: None, username: str, may: bool
) -> None:
    if not may:
        with pytest.raises(NotPermitted):
            objective_create(actor=user(username), data=_input())
        return
    made = objective_create(actor=user(username), data=_input(office="ankara", brand="apple"))
    assert made.status == ObjectiveStatus.DRAFT
    event = AuditEvent.objects.get(action="objective.created", object_id=str(made.pk))
    assert event.actor == username and event.data == {
        "metric": "satisfaction.mean", "target": "4.20", "direction": "at_least",
        "period_unit": "month", "office": "ankara", "brand": "apple", "owner": "quality"}


def test_a_draft_is_changed_an_approved_objective_is_not(demo: None) -> None:
    draft = objective_create(actor=user("quality"), data=_input())
    objective_edit(actor=user("quality"), objective=draft, data=_input(target="4.4"))
    draft.refresh_from_db()
    assert draft.target == Decimal("4.40")
    event = AuditEvent.objects.get(action="objective.edited", object_id=str(draft.pk))
    assert event.data == {"target": "4.40"}
    objective_approve(actor=user("manager"), objective=draft)
    with pytest.raises(Conflict):
        objective_edit(actor=user("manager"), objective=draft, data=_input(target="4.0"))
    with pytest.raises(Conflict):
        objective_approve(actor=user("manager"), objective=draft)


def test_only_management_retires_an_approved_objective(demo: None) -> None:
    approved = objective("satisfaction.mean", "4.2")
    with pytest.raises(NotPermitted):
        objective_retire(actor=user("quality"), objective=approved)
    objective_retire(actor=user("manager"), objective=approved)
    approved.refresh_from_db()
    assert approved.status == ObjectiveStatus.RETIRED and approved.retired_by == user("manager")
    assert AuditEvent.objects.get(action="objective.retired").data == {"was": "approved"}
    with pytest.raises(Conflict):
        objective_retire(actor=user("manager"), objective=approved)
    draft = objective_create(actor=user("quality"), data=_input())
    objective_retire(actor=user("quality"), objective=draft)  # a quality manager's own draft
    draft.refresh_from_db()
    assert draft.status == ObjectiveStatus.RETIRED


@pytest.mark.parametrize(("changes", "field"), [
    ({"metric": "received.by_channel"}, "metric"),  # a breakdown: no one number
    ({"metric": "nothing.here"}, "metric"),
    ({"target": "four"}, "target"),
    ({"target": "NaN"}, "target"),
    ({"direction": "about"}, "direction"),
    ({"period_unit": "decade"}, "period_unit"),
    ({"owner": "nobody"}, "owner"),
    ({"office": "nowhere"}, "office"),
    ({"brand": "nokya"}, "brand"),
])
def test_what_an_objective_must_name(demo: None, changes: dict[str, str], field: str) -> None:
    with pytest.raises(FieldErrors) as refused:
        objective_create(actor=user("quality"), data=_input(**changes))
    assert set(refused.value.fields) == {field}


def test_an_objective_names_any_single_figure_of_the_catalogue(demo: None) -> None:
    codes = {metric.code for metric in objective_metrics()}
    assert {"satisfaction.mean", "resolution_business_hours.median",
            "acknowledgement.on_time", "received.total"} <= codes
    assert "received.by_channel" not in codes and "satisfaction.distribution" not in codes


def test_the_admin_lists_objectives_and_writes_none(demo: None) -> None:
    from django.test import Client

    made = objective("satisfaction.mean", "4.2")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user("admin"))
    listing = client.get("/admin/feedback/objective/")
    assert listing.status_code == 200 and "satisfaction.mean" in listing.content.decode()
    assert "/admin/feedback/objective/add/" not in listing.content.decode()
    assert client.get("/admin/feedback/objective/add/").status_code == 403
    change = f"/admin/feedback/objective/{made.pk}/change/"
    assert client.get(change).status_code == 200  # a view, without a save button
    client.post(change, {"target": "1"})
    made.refresh_from_db()
    assert made.target == Decimal("4.20")


def test_objectives_of_one_scope_and_unit_share_their_queries(demo: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from memnun.feedback.services.report_rollup import rollup_catch_up

    week()
    objective("satisfaction.mean", "4.2")
    viewer = user("quality")
    # The report rollup brought up to date first: the reads below then only read.
    rollup_catch_up()
    with CaptureQueriesContext(connection) as one:
        objectives_progress(viewer=viewer, today=TODAY)
    objective("acknowledgement.on_time", "3")
    objective("resolution_business_hours.median", "16", "at_most")
    rollup_catch_up()
    with CaptureQueriesContext(connection) as three:
        assert len(objectives_progress(viewer=viewer, today=TODAY)) == 3
    assert len(three) == len(one)
