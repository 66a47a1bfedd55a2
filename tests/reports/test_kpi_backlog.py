"""The "now" figures (backlog) and the resolution target, against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from tests.casework import user
from tests.feedback.cases import at, record
from tests.reports.known_cases import week

pytestmark = pytest.mark.django_db

WEEK = Period(date(2025, 4, 21), date(2025, 4, 25))


def test_the_backlog_now(demo: None) -> None:
    week()
    # Monday 28 April 10:00 Istanbul. Open: C (Ankara, Wed 23 11:00, due Thu 15:00),
    # D (reopened, Thu 24 09:30, due 5 May), F (Fri 25 10:00, due 16:00), H (Ankara,
    # Fri 25 23:30, due Mon 15:00) and the two Izmir cases (Sun 20 23:59, due Mon 21
    # 15:00; Sat 26 00:00, due Mon 28 15:00), whatever the period. Overdue: C, F and
    # the Sunday's. Ages in whole days: C 4, D 4, F 3 (exactly), H 2, Izmir 7 and 2.
    answer = kpi(period=WEEK, filters=ReportFilters(), viewer=user("quality"),
                 now=at("2025-04-28 10:00"))
    assert answer["backlog"] == {
        "open": 6, "overdue": 3,
        "age_days": {"0-2": 2, "3-7": 4, "8-30": 0, "31+": 0},
        "by_office": {
            "ankara": {"open": 2, "overdue": 1, "oldest_days": 4},
            "istanbul": {"open": 2, "overdue": 1, "oldest_days": 4},
            "izmir": {"open": 2, "overdue": 1, "oldest_days": 7},
        },
        "by_handler": [
            {"handler": None, "name": None, "open": 5, "overdue": 3, "oldest_days": 7},
            {"handler": "handler", "name": "Mehmet Yıldız", "open": 1, "overdue": 0,
             "oldest_days": 4},
        ],
    }
    # A reviewer reads their own office's backlog only (Istanbul: D and F).
    own = kpi(period=WEEK, filters=ReportFilters(), viewer=user("reviewer"),
              now=at("2025-04-28 10:00"))
    assert own["backlog"]["open"] == 2 and own["backlog"]["overdue"] == 1
    assert own["backlog"]["by_office"]["ankara"] == {"open": 0, "overdue": 0,
                                                     "oldest_days": None}


def test_a_decision_after_the_resolution_deadline_is_not_within_the_target(demo: None) -> None:
    from memnun.feedback.services.assessment import AssessmentInput
    from memnun.feedback.services.lifecycle import (
        feedback_approve,
        feedback_propose,
        feedback_start,
    )

    # A battery-safety complaint owes its decision within 2 business days (18 hours):
    # received Mon 5 May 09:00, decided Thu 8 May 10:00 = 28 business hours, late.
    late = record(channel="web", received_at=at("2025-05-05 09:00"))
    feedback_start(actor=user("reviewer"), feedback=late, assignee="handler",
                   now=at("2025-05-05 09:30"),
                   assessment=AssessmentInput(severity="high", safety_hazard=True,
                                              category="battery-safety"))
    late.refresh_from_db()
    feedback_propose(actor=user("handler"), feedback=late, root_cause="Hücre şişmesi.",
                     root_cause_category="part-supply", corrective_action="Tedarikçi denetimi.",
                     resolution="Pil değiştirilecek.", now=at("2025-05-07 12:00"))
    late.refresh_from_db()
    feedback_approve(actor=user("reviewer"), feedback=late, now=at("2025-05-08 10:00"))
    answer = kpi(period=Period(date(2025, 5, 5), date(2025, 5, 9)), filters=ReportFilters(),
                 viewer=user("quality"), now=at("2025-05-09 10:00"))
    assert answer["resolved_within_target"] == {"resolved": 1, "within": 0, "rate": 0.0}
    assert answer["times_business_hours"]["decision"] == {"cases": 1, "median": 28.0,
                                                          "p90": 28.0}


@pytest.mark.parametrize("now", ["2025-04-21 14:00", "2025-04-24 12:00", "2025-04-28 10:00",
                                 "2025-04-28 15:00", "2025-05-06 09:00"])
def test_overdue_is_what_the_work_queue_shows_late(demo: None, now: str) -> None:
    """The backlog's overdue figure and its cases are the queue's late cases, at any instant
    (paused clocks neither; exactly at the deadline not yet)."""
    from memnun.feedback.selectors.deadline_state import DeadlineState, queue_state
    from memnun.feedback.selectors.queue import queue_page
    from memnun.feedback.selectors.reports.drill import cases_behind

    week()
    instant = at(now)
    queue = queue_page(user=user("quality"), limit=100).items
    late = {f.reference for f in queue
            if queue_state(feedback=f, now=instant) is DeadlineState.LATE}
    answer = kpi(period=WEEK, filters=ReportFilters(), viewer=user("quality"), now=instant)
    assert answer["backlog"]["overdue"] == len(late)
    listed = cases_behind(code="backlog.overdue", key=None, period=WEEK,
                          filters=ReportFilters(), viewer=user("quality"), now=instant)
    assert {f.reference for f in listed} == late


@pytest.mark.parametrize(("first", "last", "name"), [
    ("Mehmet", "Yıldız", "Mehmet Yıldız"), ("", "Yıldız", "Yıldız"), ("", "", "handler"),
])
def test_a_handler_is_named_as_everywhere_else(
    demo: None, first: str, last: str, name: str
) -> None:
    """The backlog names a handler by the one rule (full name, else username), as the case
    page does."""
    from memnun.accounts.models import User
    from tests.desk.helpers import signed_in

    w = week()
    User.objects.filter(username="handler").update(first_name=first, last_name=last)
    answer = kpi(period=WEEK, filters=ReportFilters(), viewer=user("quality"),
                 now=at("2025-04-28 10:00"))
    assert [row["name"] for row in answer["backlog"]["by_handler"]] == [None, name]
    page = signed_in("quality").get(f"/desk/feedback/{w.d.reference}").content.decode()
    assert f'<dd id="case-assignee">{name}</dd>' in page
