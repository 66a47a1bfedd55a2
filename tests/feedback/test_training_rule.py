"""Only someone with a valid complaints-handling training may hold a case (R4.14), on every
path that assigns: the start and a reassignment, by name or round robin, desk and API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.test import Client, override_settings
from django.utils import translation

from memnun.accounts.roles import Role
from memnun.feedback.codes import Status
from memnun.feedback.errors import Conflict
from memnun.feedback.services.assignment import feedback_assign
from memnun.feedback.services.lifecycle import feedback_start
from tests.casework import ASSESSMENT, Case, StaffApi, case_in, staff, train, user
from tests.desk.helpers import signed_in
from tests.feedback.cases import at

pytestmark = pytest.mark.django_db

MONDAY_10 = at("2026-03-02 10:00")


@pytest.fixture
def untrained(demo: None) -> str:
    staff("novice", Role.HANDLER, trained=False)
    return "novice"


def start(assignee: str, *, at: datetime = MONDAY_10) -> Case:
    case = Case()
    feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                   assignee=assignee, now=at)
    return case


def test_an_untrained_handler_cannot_be_assigned(untrained: str) -> None:
    case = Case()
    with (
        translation.override("en"),
        pytest.raises(Conflict, match="no complaints-handling training") as error,
    ):
        feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                       assignee=untrained, now=MONDAY_10)
    assert "assignee" in error.value.fields
    assert case.fresh().status == Status.CREATED and case.fresh().assignee is None
    # Once trained, the same assignment goes through.
    train(user(untrained), completed_on=date(2026, 2, 1))
    assert start(untrained).fresh().assignee == user(untrained)


def test_expired_or_future_training_counts_as_untrained(demo: None) -> None:
    member = staff("lapsed", Role.HANDLER, trained=False)
    train(member, completed_on=date(2024, 1, 1), expires_on=date(2026, 3, 2))
    with pytest.raises(Conflict):
        start("lapsed")  # expired on the day of the assignment
    assert start("lapsed", at=at("2026-03-01 17:00")).fresh().assignee == member
    later = staff("later", Role.HANDLER, trained=False)
    train(later, completed_on=date(2026, 3, 3))
    with pytest.raises(Conflict):
        start("later")  # not yet completed on the day


def test_reassigning_to_an_untrained_handler_is_refused(untrained: str) -> None:
    case = case_in("in_progress")
    with pytest.raises(Conflict):
        feedback_assign(actor=user("reviewer"), feedback=case.feedback, assignee=untrained)
    assert case.fresh().assignee == user("handler")


def test_the_round_robin_passes_over_untrained_handlers(untrained: str) -> None:
    picks = []
    for minute in range(3):
        case = Case()
        feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                       auto_assign=True, now=MONDAY_10.replace(minute=minute))
        picks.append(case.fresh().assignee)
    assert picks == [user("handler")] * 3


@override_settings(MEMNUN_REQUIRE_TRAINING=False)
def test_with_the_setting_off_an_untrained_handler_may_be_assigned(untrained: str) -> None:
    assert start(untrained).fresh().assignee == user(untrained)
    case = Case()
    feedback_start(actor=user("reviewer"), feedback=case.feedback, assessment=ASSESSMENT,
                   auto_assign=True, now=MONDAY_10)
    assert case.fresh().assignee is not None


def test_the_api_answers_409_naming_the_assignee_field(
    untrained: str, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    staff_api = StaffApi(api, staff_headers)
    case = Case()
    started = staff_api.transition(
        "reviewer", case.reference, to="in_progress", assignee=untrained,
        assessment={"severity": "low", "safety_hazard": False, "category": None},
    )
    assert started.status_code == 409
    body = started.json()
    assert body["error"] == "conflict"
    assert "novice has no complaints-handling training" in body["detail"]
    assert body["fields"]["assignee"] == [body["detail"]]
    moved = staff_api.post("reviewer", f"/feedback/{case_in('in_progress').reference}/assignment",
                           {"assignee": untrained})
    assert moved.status_code == 409 and "assignee" in moved.json()["fields"]


def test_the_desk_form_shows_the_refusal_beside_the_assignee(untrained: str) -> None:
    case = case_in("in_progress")
    response = signed_in("reviewer").post(
        f"/desk/feedback/{case.reference}/do/reassign", {"reassign-assignee": untrained}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert 'href="#id_reassign-assignee"' in html
    assert "novice has no complaints-handling training" in html
    assert case.fresh().assignee == user("handler")
