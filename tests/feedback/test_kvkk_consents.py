"""Consents per optional purpose (KVKK Art. 5(1), K2) and the survey's consent (K14): never
pre-ticked, never a condition, each grant and withdrawal recorded; withdrawable on the
tracking page, through the API (contract) and by staff on the customer's word."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from memnun.feedback.models import Consent, Feedback
from memnun.feedback.services.messaging import feedback_outbound_messages
from memnun.feedback.services.privacy_notice import notice_current
from tests.casework import Case, case_in, user
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db


def _checkbox(html: str, name: str) -> str:
    found = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def _web_case(api: Client, **consent: bool) -> dict[str, str]:
    body = api.post(
        "/api/v1/feedback", feedback_payload(consent={"privacy_notice": True, **consent}),
        content_type="application/json",
    ).json()
    return {"reference": body["reference"], "code": body["tracking_code"]}


def _consents(api: Client, reference: str, **body: object) -> object:
    return api.post(f"/api/v1/track/{reference}/consents", body, content_type="application/json")


def test_k2_consent_boxes_are_never_pre_ticked_and_never_required(demo: None) -> None:
    """K2: the portal and desk forms render both consents unticked and optional; the portal
    form records feedback with both left unticked, and no consent row."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    form = client.get("/feedback/new/").content.decode()
    for name in ("third_party_sharing", "survey"):
        box = _checkbox(form, name)
        assert "checked" not in box and "required" not in box
    desk = signed_in("agent").get("/desk/intake/phone/").content.decode()
    for name in ("third_party_sharing", "survey"):
        assert "checked" not in _checkbox(desk, name)

    submission = re.search(r'name="submission" value="([0-9a-f]+)"', form)
    assert submission
    response = client.post("/feedback/new/", {
        "type": "complaint", "subject": "Ekran", "description": "Gecikti.",
        "email": "isil@example.com", "preferred_contact": "email", "language": "tr",
        "privacy_notice": "on", "submission": submission.group(1),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    feedback = Feedback.objects.get()
    assert not Consent.objects.filter(feedback=feedback).exists()


def test_k2_ticked_consents_are_recorded_with_notice_channel_time_and_who(
    demo: None, api: Client,
) -> None:
    """K2: each purpose ticked on the web form is a row with the notice version, the
    channel, the time and no member of staff (the customer gave it)."""
    case = _web_case(api, third_party_sharing=True, survey=True)
    rows = Consent.objects.filter(feedback__reference=case["reference"]).order_by("purpose")
    assert [(c.purpose, c.granted, c.channel) for c in rows] == [
        ("survey", True, "api"), ("third_party_sharing", True, "api"),
    ]
    assert all(c.notice == notice_current() and c.recorded_by is None for c in rows)


def test_k2_consents_api_contract(demo: None, api: Client) -> None:
    """K2: POST /api/v1/track/{reference}/consents — 200 with both states; either may be
    left out; a wrong code 404; not a boolean 422; each change recorded with its time."""
    case = _web_case(api, third_party_sharing=True, survey=True)
    ref, code = case["reference"], case["code"]
    response = _consents(api, ref, code=code, survey=False)
    assert response.status_code == 200, response.content
    assert response.json() == {"third_party_sharing": True, "survey": False}
    withdrawal = Consent.objects.filter(feedback__reference=ref, purpose="survey").last()
    assert withdrawal is not None and not withdrawal.granted and withdrawal.channel == "api"
    assert _consents(api, ref, code=code).json() == {"third_party_sharing": True, "survey": False}
    assert _consents(api, ref, code="AAAA-AAAA", survey=True).status_code == 404
    assert _consents(api, ref, code=code, survey="no").status_code == 422
    response = _consents(api, ref, code=code, third_party_sharing=False, survey=True)
    assert response.json() == {"third_party_sharing": False, "survey": True}
    # Two given at intake, then three changes; the call that changed nothing wrote nothing.
    assert Consent.objects.filter(feedback__reference=ref).count() == 5


def test_k2_staff_see_the_consents_on_the_case(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]],
) -> None:
    """K2: the staff case in the API and on the desk shows the same consents."""
    case = _web_case(api, survey=True)
    body = api.get(f"/api/v1/feedback/{case['reference']}", headers=staff_headers("agent")).json()
    assert body["consent"]["survey"] is True and body["consent"]["third_party_sharing"] is False
    assert body["consent"]["privacy_notice_given"] == "web_page"
    page = signed_in("agent").get(f"/desk/feedback/{case['reference']}").content.decode()
    history = page[page.index('id="privacy-heading"'):]
    assert "Consent given" in history and "No consent" in history and "The customer" in history


def test_k2_withdraw_on_the_tracking_page(demo: None, api: Client) -> None:
    """K2: the customer unticks a box on their tracking page: the consent is withdrawn."""
    case = _web_case(api, third_party_sharing=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/track/", {"reference": case["reference"], "code": case["code"]})
    page = client.get(f"/track/{case['reference']}").content.decode()
    assert "checked" in _checkbox(page, "consents-third_party_sharing")
    assert "checked" not in _checkbox(page, "consents-survey")
    response = client.post(f"/track/{case['reference']}/consents", {})  # both unticked
    assert response.status_code == 302
    latest = Consent.objects.filter(feedback__reference=case["reference"]).last()
    assert latest is not None
    assert (latest.purpose, latest.granted, latest.channel) == (
        "third_party_sharing", False, "tracking_page")
    # Without access to the case, nothing changes.
    assert Client().post(f"/track/{case['reference']}/consents", {"consents-survey": "on"}
                         ).status_code == 302
    assert not Consent.objects.filter(feedback__reference=case["reference"],
                                      purpose="survey").exists()


def test_k2_staff_record_a_withdrawal_on_the_customers_word(demo: None) -> None:
    """K2: a member of staff records the customer's withdrawal on the desk, named as its
    recorder; an auditor may not."""
    case = Case(survey=True)
    url = f"/desk/feedback/{case.reference}/do/consent"
    form = {"consent-purpose": "survey", "consent-decision": "withdraw"}
    assert signed_in("auditor").post(url, form).status_code in (403, 404)
    response = signed_in("agent").post(url, form)
    assert response.status_code == 302
    latest = Consent.objects.filter(feedback=case.feedback).last()
    assert latest is not None
    assert (latest.granted, latest.channel, latest.recorded_by) == (False, "staff", user("agent"))


def test_k14_a_withdrawn_survey_consent_stops_the_survey(demo: None) -> None:
    """K14: the closure message carries the survey only with a live survey consent."""
    consenting = case_in("closed", survey=True)
    closed = feedback_outbound_messages(feedback=consenting.fresh()).get(kind="closed")
    assert "/survey?t=" in closed.text

    withdrawn = Case(survey=True)
    signed_in("agent").post(f"/desk/feedback/{withdrawn.reference}/do/consent",
                            {"consent-purpose": "survey", "consent-decision": "withdraw"})
    withdrawn.start().propose().approve().answer(accept=True).close()
    closed = feedback_outbound_messages(feedback=withdrawn.fresh()).get(kind="closed")
    assert "/survey" not in closed.text and "/survey" not in closed.html

    never = case_in("closed")
    closed = feedback_outbound_messages(feedback=never.fresh()).get(kind="closed")
    assert "/survey" not in closed.text


def test_k2_a_follow_up_does_not_copy_the_old_cases_consent(demo: None) -> None:
    """K2: a follow-up after the reopening window is new feedback with no consent at all."""
    case = Case(survey=True)
    signed_in("agent").post(f"/desk/feedback/{case.reference}/do/consent", {
        "consent-purpose": "third_party_sharing", "consent-decision": "grant"})
    case.start().propose().approve().answer(accept=True).close()
    Feedback.objects.filter(pk=case.feedback.pk).update(
        closed_at=F("closed_at") - timedelta(days=31))
    response = signed_in("agent").post(f"/desk/feedback/{case.reference}/do/follow-up", {
        "follow-up-channel": "phone", "follow-up-description": "Yine bozuldu."})
    assert response.status_code == 302
    new = Feedback.objects.exclude(pk=case.feedback.pk).get()
    assert not Consent.objects.filter(feedback=new).exists()
    assert Consent.objects.filter(feedback=case.feedback, granted=True).count() == 2
