"""A survey answer of 1 or 2 alerts the office's lead in office hours and is listed to follow up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback, StaffAlert
from memnun.feedback.services.customer_answers import survey_record
from memnun.feedback.services.staff_alerts import staff_alerts_send
from memnun.notifications.models import OutboundMessage
from memnun.organisation.models import Office
from tests.casework import case_in, staff, user
from tests.desk.helpers import signed_in
from tests.feedback.cases import at

pytestmark = pytest.mark.django_db


def _survey(api: Client, reference: str, code: str, score: int) -> Any:
    return api.post(f"/api/v1/track/{reference}/survey", {"code": code, "score": score},
                    content_type="application/json")


def test_a_score_of_2_at_night_alerts_the_lead_when_the_office_opens(demo: None) -> None:
    case = case_in("closed")
    survey_record(feedback=case.fresh(), score=2, now=at("2030-01-05 23:00"))  # a Saturday
    alert = StaffAlert.objects.get(feedback=case.feedback)
    assert (alert.kind, alert.recipient) == ("low_survey_score", user("reviewer"))
    assert staff_alerts_send(now=at("2030-01-06 12:00")) == 0  # Sunday: closed
    assert staff_alerts_send(now=at("2030-01-07 09:00")) == 1
    mail = OutboundMessage.objects.get(kind="staff_alert")
    assert mail.recipient == user("reviewer").email
    assert case.reference in mail.subject or case.reference in mail.text
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.alert_raised")
    assert event.data["kind"] == "low_survey_score" and event.data["recipients"] == ["reviewer"]


@pytest.mark.parametrize(("score", "alerted"), [(1, True), (2, True), (3, False), (5, False)])
def test_only_1_and_2_alert(demo: None, api: Client, score: int, alerted: bool) -> None:
    case = case_in("closed")
    assert _survey(api, case.reference, case.code, score).status_code == 200
    assert StaffAlert.objects.filter(
        feedback=case.feedback, kind="low_survey_score"
    ).exists() is alerted


def test_the_follow_up_list_shows_low_scores_of_the_office(demo: None, api: Client) -> None:
    low, high = case_in("closed"), case_in("closed")
    ankara = case_in("closed")
    # The demo has no Ankara team to work a case through: the closed case moves office.
    Feedback.objects.filter(pk=ankara.feedback.pk).update(
        office=Office.objects.get(code="ankara")
    )
    _survey(api, low.reference, low.code, 1)
    _survey(api, high.reference, high.code, 4)
    _survey(api, ankara.reference, ankara.code, 2)
    staff("ankara_reviewer", "reviewer", "ankara")

    page = signed_in("reviewer").get("/desk/follow-up/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/desk/feedback/{low.reference}"' in html and "1 / 5" in html
    assert high.reference not in html and ankara.reference not in html

    everywhere = signed_in("quality").get("/desk/follow-up/").content.decode()
    assert low.reference in everywhere and ankara.reference in everywhere
    assert high.reference not in everywhere
    assert ankara.reference in signed_in("ankara_reviewer").get("/desk/follow-up/").content.decode()

    queue = signed_in("reviewer").get("/desk/queue/").content.decode()
    assert 'href="/desk/follow-up/"' in queue


@pytest.mark.parametrize("role", ["agent", "handler", "auditor", "admin"])
def test_other_roles_may_not_see_the_list(demo: None, role: str) -> None:
    assert signed_in(role).get("/desk/follow-up/").status_code == 403
    assert 'href="/desk/follow-up/"' not in signed_in(role).get("/desk/queue/").content.decode()
