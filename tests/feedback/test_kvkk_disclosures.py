"""Disclosures (KVKK Art. 8, K4) and telling their recipients of a correction or erasure
(Art. 11(1)(f), K7): one gate that refuses without a legal basis on record and logs with it;
the providers carrying our messages logged as processors; the case shows "given to"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Disclosure, RecipientNotice
from memnun.feedback.privacy_codes import RecipientNoticeReason
from memnun.feedback.services.disclosures import recipients_notify
from memnun.feedback.services.messaging import (
    feedback_outbound_messages,
    message_delivered,
)
from tests.casework import Case, StaffApi
from tests.conftest import feedback_payload
from tests.desk.helpers import signed_in

pytestmark = pytest.mark.django_db
SHARE = {"recipient": "Samsung Türkiye", "purpose": "Garanti kapsamında ekran değişimi",
         "data": ["device", "contact", "description"]}


@pytest.fixture
def staff_api(api: Client, staff_headers: Callable[[str], dict[str, str]]) -> StaffApi:
    return StaffApi(api, staff_headers)


def _web_case(api: Client, **consent: bool) -> dict[str, str]:
    body = api.post(
        "/api/v1/feedback", feedback_payload(consent={"privacy_notice": True, **consent}),
        content_type="application/json",
    ).json()
    return {"reference": body["reference"], "code": body["tracking_code"]}


def _given(reference: str) -> Any:
    return Disclosure.objects.filter(feedback__reference=reference, basis="consent")


def test_k4_the_gate_refuses_without_consent_and_logs_with_it(
    demo: None, api: Client, staff_api: StaffApi,
) -> None:
    """K4: 409 with the reason and nothing logged without a live consent to third-party
    sharing; with it 201 {"id", "at", …}, listed by GET; a withdrawal closes the gate again."""
    case = _web_case(api)
    path = f"/feedback/{case['reference']}/disclosures"
    refused = staff_api.post("handler", path, SHARE)
    assert refused.status_code == 409, refused.content
    assert "No legal basis on record" in refused.json()["detail"]
    assert not _given(case["reference"]).exists()

    api.post(f"/api/v1/track/{case['reference']}/consents",
             {"code": case["code"], "third_party_sharing": True}, content_type="application/json")
    created = staff_api.post("handler", path, SHARE)
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) >= {"id", "at", "recipient", "purpose", "data", "basis", "by"}
    assert (body["recipient"], body["basis"], body["by"]) == ("Samsung Türkiye", "consent",
                                                              "handler")
    assert body["data"] == ["contact", "device", "description"]  # in the table's order
    assert body["at"].endswith("+03:00")
    listed = staff_api.get("privacy", path)
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["items"] if d["basis"] == "consent"] == [body["id"]]
    # The audit trail holds ids only: no recipient, no purpose.
    event = AuditEvent.objects.filter(action="disclosure.recorded").latest("id")
    assert event.data["disclosure"] == body["id"] and "Samsung" not in str(event.data)

    api.post(f"/api/v1/track/{case['reference']}/consents",
             {"code": case["code"], "third_party_sharing": False}, content_type="application/json")
    again = staff_api.post("handler", path, SHARE)
    assert again.status_code == 409 and "withdrew" in again.json()["detail"]
    assert _given(case["reference"]).count() == 1


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("auditor", 403), ("management", 403), ("reviewer", 201),
    ("quality", 201), ("privacy", 201),
])
def test_k4_who_may_record_a_disclosure(
    demo: None, api: Client, staff_api: StaffApi, username: str, status: int,
) -> None:
    """K4: handler, reviewer, quality and privacy (contract); others 403."""
    case = _web_case(api, third_party_sharing=True)
    name = "manager" if username == "management" else username
    response = staff_api.post(name, f"/feedback/{case['reference']}/disclosures", SHARE)
    assert response.status_code == status, response.content
    assert staff_api.get(name, f"/feedback/{case['reference']}/disclosures").status_code == (
        200 if status == 201 else 403)


def test_k4_a_disclosure_needs_recipient_purpose_and_known_data(
    demo: None, api: Client, staff_api: StaffApi,
) -> None:
    case = _web_case(api, third_party_sharing=True)
    path = f"/feedback/{case['reference']}/disclosures"
    assert staff_api.post("handler", path, {**SHARE, "data": ["photos"]}).status_code == 422
    assert staff_api.post("handler", path, {**SHARE, "data": []}).status_code == 422
    assert staff_api.post("handler", path, {**SHARE, "recipient": ""}).status_code == 422
    assert not _given(case["reference"]).exists()


def test_k4_messages_handed_to_the_providers_are_logged_as_processor_disclosures(
    demo: None,
) -> None:
    """K4: a delivered message to the customer logs its carrier (basis "processor"), once;
    the desk case shows it under "Given to" with the third parties."""
    case = Case()  # by phone, with an e-mail: the closure etc. go by e-mail
    case.start()
    message = feedback_outbound_messages(feedback=case.fresh()).get(kind="stage_changed")
    assert message.callback_task == "memnun.feedback.tasks.message_delivered"
    at = timezone.now()
    assert message_delivered(message_id=message.pk, outcome="sent", at=at) == "disclosed"
    message_delivered(message_id=message.pk, outcome="sent", at=at)  # a retried callback
    [row] = Disclosure.objects.filter(feedback=case.feedback)
    assert (row.recipient, row.basis, row.at, row.by) == (
        settings.MEMNUN_EMAIL_PROVIDER, "processor", at, None)
    page = signed_in("privacy").get(f"/desk/feedback/{case.reference}").content.decode()
    given_to = page[page.index("Given to"):]
    assert settings.MEMNUN_EMAIL_PROVIDER in given_to and "Processor acting for us" in given_to


def test_k7_an_erasure_with_two_recipients_yields_two_tasks_worked_by_privacy(
    demo: None, api: Client, staff_api: StaffApi,
) -> None:
    """K7: each recipient in the log gets one task (repeated recipients once); the privacy
    contact lists them on the desk and marks them done; other roles may not."""
    case = _web_case(api, third_party_sharing=True)
    path = f"/feedback/{case['reference']}/disclosures"
    staff_api.post("handler", path, SHARE)
    staff_api.post("handler", path, SHARE)  # the same brand again
    staff_api.post("quality", path, {**SHARE, "recipient": "Anadolu Sigorta"})
    from memnun.feedback.models import Feedback

    feedback = Feedback.objects.get(reference=case["reference"])
    tasks = recipients_notify(feedback=feedback, reason=RecipientNoticeReason.ERASURE, actor=None)
    assert sorted(t.recipient for t in tasks) == ["Anadolu Sigorta", "Samsung Türkiye"]

    assert signed_in("handler").get("/desk/privacy/recipients/").status_code == 403
    privacy = signed_in("privacy")
    listing = privacy.get("/desk/privacy/recipients/").content.decode()
    assert "Anadolu Sigorta" in listing and "Samsung Türkiye" in listing
    assert signed_in("quality").post(
        f"/desk/privacy/recipients/{tasks[0].pk}/done").status_code == 403
    assert privacy.post(f"/desk/privacy/recipients/{tasks[0].pk}/done").status_code == 302
    done = RecipientNotice.objects.get(pk=tasks[0].pk)
    assert done.done_at is not None and done.done_by is not None
    assert done.done_by.username == "privacy"
    assert tasks[0].recipient not in privacy.get("/desk/privacy/recipients/").content.decode()


def test_k4_the_desk_records_a_disclosure_and_shows_the_refusal(demo: None) -> None:
    """K4: the desk's form goes through the same gate: 409 with the reason, then logged."""
    case = Case()
    handler = signed_in("handler")
    form = {"disclose-recipient": "Samsung Türkiye", "disclose-purpose": "Garanti",
            "disclose-categories": ["device"]}
    refused = handler.post(f"/desk/feedback/{case.reference}/do/disclose", form)
    assert refused.status_code == 409 and "No legal basis on record" in refused.content.decode()
    signed_in("agent").post(f"/desk/feedback/{case.reference}/do/consent", {
        "consent-purpose": "third_party_sharing", "consent-decision": "grant"})
    assert handler.post(f"/desk/feedback/{case.reference}/do/disclose", form).status_code == 302
    page = handler.get(f"/desk/feedback/{case.reference}").content.decode()
    assert "Samsung Türkiye" in page[page.index("Given to"):]
