"""POST /api/v1/feedback/{reference}/acknowledgement: who may, when, and what it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from memnun.audit.models import AuditEvent
from memnun.feedback.errors import NotPermitted
from memnun.feedback.models import Feedback, Obligation
from memnun.feedback.services.acknowledgement import (
    feedback_acknowledge,
    feedback_acknowledge_delivered,
)
from tests.casework import staff, user
from tests.feedback.cases import IST, at, record

pytestmark = pytest.mark.django_db
Headers = Callable[[str], dict[str, str]]


def acknowledge(api: Client, reference: str, body: Any, headers: dict[str, str]) -> Any:
    return api.post(
        f"/api/v1/feedback/{reference}/acknowledgement", body,
        content_type="application/json", headers=headers,
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", 200), ("handler", 200), ("reviewer", 200), ("quality", 200), ("admin", 200),
     ("auditor", 403)],
)
def test_who_may_record_an_acknowledgement(
    role: str, expected: int, api: Client, staff_headers: Headers
) -> None:
    case = record(channel="letter")
    response = acknowledge(api, case.reference, {"method": "letter"}, staff_headers(role))
    assert response.status_code == expected, response.content
    case.refresh_from_db()
    assert (case.ack_sent_at is not None) is (expected == 200)
    if expected == 403:
        assert response.json()["error"] == "forbidden"


def test_an_acknowledgement_in_time_is_on_time(api: Client, staff_headers: Headers) -> None:
    case = record(channel="fax")
    response = acknowledge(api, case.reference, {"method": "phone"}, staff_headers("agent"))
    body = response.json()
    assert body["reference"] == case.reference
    ack = body["acknowledgement"]
    assert ack["method"] == "phone" and ack["on_time"] is True
    sent = datetime.fromisoformat(ack["sent_at"])
    assert abs(sent - timezone.now()) < timedelta(seconds=5)
    assert sent.utcoffset() == timedelta(hours=3)
    obligation = Obligation.objects.get(feedback=case, kind="acknowledgement")
    assert obligation.met_at is not None and obligation.on_time is True
    assert abs(obligation.met_at - sent) < timedelta(milliseconds=1)  # JSON keeps milliseconds
    case.refresh_from_db()
    assert case.ack_method == "phone" and case.next_due_kind == "first_response"
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.acknowledged")
    assert event.actor == "agent" and event.data["after"]["on_time"] is True
    # The detail the staff read agrees.
    detail = api.get(f"/api/v1/feedback/{case.reference}", headers=staff_headers("agent"))
    assert detail.json()["acknowledgement"]["on_time"] is True


def test_a_late_acknowledgement_is_visibly_late(api: Client, staff_headers: Headers) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    response = acknowledge(
        api, case.reference, {"method": "letter", "sent_at": "2026-11-23T15:00:01+03:00"},
        staff_headers("handler"),
    )
    assert response.status_code == 200
    ack = response.json()["acknowledgement"]
    assert ack["on_time"] is False
    assert datetime.fromisoformat(ack["due_at"]) == datetime(2026, 11, 23, 15, tzinfo=IST)
    detail = api.get(f"/api/v1/feedback/{case.reference}", headers=staff_headers("agent"))
    assert detail.json()["acknowledgement"]["on_time"] is False


def test_an_acknowledgement_on_the_deadline_is_on_time(
    api: Client, staff_headers: Headers
) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    body = {"method": "sms", "sent_at": "2026-11-23T12:00:00Z"}
    response = acknowledge(api, case.reference, body, staff_headers("agent"))
    assert response.json()["acknowledgement"]["on_time"] is True


def test_a_second_acknowledgement_is_a_conflict(api: Client, staff_headers: Headers) -> None:
    case = record(channel="fax")
    assert acknowledge(api, case.reference, {"method": "sms"}, staff_headers()).status_code == 200
    response = acknowledge(api, case.reference, {"method": "email"}, staff_headers())
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict" and body["detail"]
    assert Feedback.objects.get(pk=case.pk).ack_method == "sms"
    # Given on the call at intake counts too.
    phoned = record(channel="phone")
    assert acknowledge(api, phoned.reference, {"method": "sms"}, staff_headers()).status_code == 409


def test_another_office_s_case_is_not_found(api: Client, staff_headers: Headers) -> None:
    case = record(channel="fax", office="ankara", actor="quality")
    response = acknowledge(api, case.reference, {"method": "sms"}, staff_headers("agent"))
    assert response.status_code == 404
    assert acknowledge(api, "26-000000-0", {"method": "sms"}, staff_headers()).status_code == 404
    assert Feedback.objects.get(pk=case.pk).ack_sent_at is None


def test_a_token_is_required(demo: None, api: Client) -> None:
    case = record(channel="fax")
    assert acknowledge(api, case.reference, {"method": "sms"}, {}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "pigeon"}, "method"),
        ({}, "method"),
        ({"method": "sms", "sent_at": "yesterday"}, "sent_at"),
        ({"method": "sms", "sent_at": "2026-11-20T19:59:59+03:00"}, "sent_at"),
        ({"method": "sms", "sent_at": "2026-11-23T10:00:00"}, "sent_at"),
    ],
)
def test_bad_input_is_refused(
    body: dict[str, Any], field: str, api: Client, staff_headers: Headers
) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    response = acknowledge(api, case.reference, body, staff_headers())
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert Feedback.objects.get(pk=case.pk).ack_sent_at is None


def test_an_acknowledgement_is_never_in_the_future(api: Client, staff_headers: Headers) -> None:
    case = record(channel="fax")
    future = (timezone.now() + timedelta(minutes=5)).isoformat()
    response = acknowledge(api, case.reference, {"method": "sms", "sent_at": future},
                           staff_headers())
    assert response.status_code == 422 and "sent_at" in response.json()["fields"]


def test_the_mail_worker_stamps_the_automatic_acknowledgement(demo: None) -> None:
    case = record(channel="web", actor="")
    handed_over = timezone.now()
    feedback_acknowledge_delivered(feedback=case, method="email", sent_at=handed_over)
    case.refresh_from_db()
    assert case.ack_sent_at == handed_over and case.ack_on_time is True
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.acknowledged")
    assert event.actor == "system"


@pytest.mark.parametrize("who", ["auditor", "agent of another office"])
def test_the_service_itself_refuses_who_may_not_acknowledge(demo: None, who: str) -> None:
    # Called directly, as a new interface would: the service asks the matrix, not its caller.
    case = record(channel="letter")
    actor = user("auditor") if who == "auditor" else staff("ankara-agent", "agent", "ankara")
    with pytest.raises(NotPermitted):
        feedback_acknowledge(actor=actor, feedback=case, method="letter")
    case.refresh_from_db()
    assert case.ack_sent_at is None
    assert not AuditEvent.objects.filter(
        object_id=case.reference, action="feedback.acknowledged"
    ).exists()


def test_the_service_records_who_acknowledged_by_hand(demo: None) -> None:
    case = record(channel="letter")
    feedback_acknowledge(actor=user("agent"), feedback=case, method="letter")
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.acknowledged")
    assert event.actor == "agent"


def test_the_contract_declares_the_errors(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/feedback/{reference}/acknowledgement"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(post["responses"])
    get = schema["paths"]["/api/v1/queue"]["get"]
    assert {"200", "401", "403", "422"} <= set(get["responses"])
