"""Assignment: by name, or a fair round robin among the office's handlers on duty."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings

from memnun.accounts.roles import Role
from memnun.audit.models import AuditEvent
from memnun.feedback.errors import Conflict
from memnun.feedback.models import Assignment, InvolvedPerson
from memnun.feedback.services.lifecycle import feedback_start
from tests.casework import ASSESSMENT, Case, StaffApi, case_in, staff, user

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Europe/Istanbul")
MONDAY_10 = datetime(2026, 3, 2, 10, 0, tzinfo=IST)
SATURDAY_10 = datetime(2026, 3, 7, 10, 0, tzinfo=IST)
MONDAY_20 = datetime(2026, 3, 2, 20, 0, tzinfo=IST)
ASSESSMENT_JSON = {"severity": "low", "safety_hazard": False, "category": None}


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


@pytest.fixture
def handlers(demo: None) -> list[str]:
    """Three handlers in İstanbul (the demo one first), one in Ankara, one inactive."""
    staff("h2", Role.HANDLER)
    staff("h3", Role.HANDLER)
    staff("ankara_h", Role.HANDLER, "ankara")
    staff("gone", Role.HANDLER, is_active=False)
    return ["handler", "h2", "h3"]


def auto_start(*, at: datetime = MONDAY_10, by: str = "reviewer") -> str:
    case = Case()
    feedback_start(actor=user(by), feedback=case.feedback, assessment=ASSESSMENT,
                   auto_assign=True, now=at)
    assignee = case.fresh().assignee
    assert assignee is not None
    return assignee.username


def test_round_robin_takes_turns_least_recently_assigned_first(handlers: list[str]) -> None:
    picks = [auto_start(at=MONDAY_10.replace(minute=m)) for m in range(7)]
    assert picks == ["handler", "h2", "h3", "handler", "h2", "h3", "handler"]
    rows = Assignment.objects.filter(automatic=True)
    assert rows.count() == 7 and all(r.assigned_by is None for r in rows)
    event = AuditEvent.objects.filter(action="feedback.assigned").first()
    assert event is not None and event.data["automatic"] is True


def test_a_manual_assignment_counts_for_fairness(handlers: list[str]) -> None:
    case = Case()
    feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                   assignee="handler", now=MONDAY_10)
    assert auto_start(at=MONDAY_10.replace(minute=1)) == "h2"
    assert auto_start(at=MONDAY_10.replace(minute=2)) == "h3"
    assert auto_start(at=MONDAY_10.replace(minute=3)) == "handler"


@pytest.mark.parametrize("at", [SATURDAY_10, MONDAY_20])
def test_nobody_is_on_duty_outside_business_hours(handlers: list[str], at: datetime) -> None:
    with pytest.raises(Conflict):
        auto_start(at=at)


def test_handlers_at_the_workload_cap_are_skipped(handlers: list[str]) -> None:
    with override_settings(MEMNUN_ASSIGN_MAX_OPEN=1):
        picks = [auto_start(at=MONDAY_10.replace(minute=m)) for m in range(3)]
        assert picks == ["handler", "h2", "h3"]
        with pytest.raises(Conflict):
            auto_start(at=MONDAY_10.replace(minute=4))


def test_closed_cases_do_not_count_towards_the_cap(handlers: list[str]) -> None:
    case_in("closed")  # the demo handler's, closed
    with override_settings(MEMNUN_ASSIGN_MAX_OPEN=1):
        assert auto_start() == "h2"  # "handler" was assigned more recently (the closed case)
        assert auto_start(at=MONDAY_10.replace(minute=1)) == "h3"
        assert auto_start(at=MONDAY_10.replace(minute=2)) == "handler"


def test_involved_handlers_are_skipped(handlers: list[str]) -> None:
    case = Case()
    InvolvedPerson.objects.create(
        feedback=case.feedback, user=user("handler"), role_in_subject="teknisyen",
        recorded_by=user("agent"), recorded_at=MONDAY_10,
    )
    feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                   auto_assign=True, now=MONDAY_10)
    assert case.fresh().assignee == user("h2")


def test_a_handler_takes_a_case_but_does_not_hand_it_out(
    handlers: list[str], staff_api: StaffApi
) -> None:
    mine = staff_api.transition("handler", Case().reference, to="in_progress",
                                assignee="handler", assessment=ASSESSMENT_JSON)
    assert mine.status_code == 200 and mine.json()["assignee"] == "handler"
    theirs = staff_api.transition("handler", Case().reference, to="in_progress",
                                  assignee="h2", assessment=ASSESSMENT_JSON)
    assert theirs.status_code == 403
    robin = staff_api.transition("handler", Case().reference, to="in_progress",
                                 auto_assign=True, assessment=ASSESSMENT_JSON)
    assert robin.status_code == 403


def test_reassignment(handlers: list[str], staff_api: StaffApi) -> None:
    case = case_in("under_review")
    path = f"/feedback/{case.reference}/assignment"
    assert staff_api.post("handler", path, {"assignee": "h2"}).status_code == 403
    assert staff_api.post("reviewer", path, {"assignee": "handler"}).status_code == 409
    assert staff_api.post("reviewer", path, {"assignee": "gone"}).status_code == 409
    assert staff_api.post("reviewer", path, {"assignee": "ankara_h"}).status_code == 409
    assert staff_api.post("reviewer", path, {"assignee": "nobody"}).status_code == 422
    moved = staff_api.post("reviewer", path, {"assignee": "h3"})
    assert moved.status_code == 200 and moved.json()["assignee"] == "h3"
    assert case.fresh().status == "under_review"
    new = staff_api.post("reviewer", f"/feedback/{Case().reference}/assignment",
                         {"assignee": "h3"})
    assert new.status_code == 409  # a new case is assigned by starting it


def test_quality_managers_may_hold_cases_in_any_office(demo: None) -> None:
    case = Case(office="izmir")
    feedback_start(actor=user("quality"), feedback=case.feedback, assessment=ASSESSMENT,
                   assignee="quality")
    assert case.fresh().assignee == user("quality")
