"""POST /api/v1/feedback: every channel, every validation rule, idempotency."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Attachment, Customer, Feedback, StageChange
from memnun.feedback.references import reference_parse, tracking_code_matches
from tests import files
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db
IST = ZoneInfo("Europe/Istanbul")
PNG = files.PNG


def post(api: Client, payload: Any, headers: dict[str, str] | None = None, **extra: Any) -> Any:
    return api.post(
        "/api/v1/feedback", payload, content_type="application/json", headers=headers or {}, **extra
    )


def test_web_feedback_needs_no_account_and_gets_a_reference(demo: None, api: Client) -> None:
    response = post(api, feedback_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert reference_parse(body["reference"]) == body["reference"]
    assert body["status"] == "created" and body["channel"] == "web" and body["office"] == "istanbul"
    assert body["tracking_url"].endswith(f"/track/{body['reference']}")
    feedback = Feedback.objects.get(reference=body["reference"])
    assert tracking_code_matches(body["tracking_code"], feedback.tracking_code_hash)
    assert body["tracking_code"] not in feedback.tracking_code_hash
    assert feedback.customer.phone == "+905321234567"
    assert feedback.brand is not None and feedback.brand.code == "samsung"
    assert feedback.recorded_by is None
    assert list(feedback.stages.values_list("status", flat=True)) == ["created"]
    # Immediate channels are due at receipt (within the grace), and not yet acknowledged.
    ack = body["acknowledgement"]
    assert ack["sent_at"] is None and ack["on_time"] is None
    due = datetime.fromisoformat(ack["due_at"])
    assert timedelta(0) < due - datetime.fromisoformat(body["received_at"]) <= timedelta(minutes=10)


STAFF_CHANNELS = [
    "email", "phone", "front_office", "fax", "letter", "social_media", "dealer", "employee"
]


@pytest.mark.parametrize("channel", STAFF_CHANNELS)
def test_every_staff_channel_is_recorded_by_staff(
    channel: str, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    response = post(api, feedback_payload(channel=channel), staff_headers("agent"))
    assert response.status_code == 201, response.content
    feedback = Feedback.objects.get(reference=response.json()["reference"])
    assert feedback.channel == channel
    assert feedback.recorded_by is not None and feedback.recorded_by.username == "agent"
    event = AuditEvent.objects.get(object_id=feedback.reference)
    assert event.action == "feedback.created" and event.actor == "agent"
    assert event.data["after"]["channel"] == channel
    assert "Işıl" not in str(event.data)  # personal data never enters the audit trail


@pytest.mark.parametrize("channel", STAFF_CHANNELS)
def test_staff_channels_refuse_the_public(channel: str, demo: None, api: Client) -> None:
    response = post(api, feedback_payload(channel=channel))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert Feedback.objects.count() == 0


def test_phone_and_face_to_face_are_acknowledged_at_intake(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    for channel, method in (("phone", "phone"), ("front_office", "in_person")):
        body = post(api, feedback_payload(channel=channel), staff_headers()).json()
        assert body["acknowledgement"]["sent_at"] is not None
        assert body["acknowledgement"]["on_time"] is True
        assert Feedback.objects.get(reference=body["reference"]).ack_method == method


def test_a_fax_received_friday_night_is_due_monday_afternoon(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    payload = feedback_payload(channel="fax", received_at="2026-11-20T20:00:00+03:00")
    body = post(api, payload, staff_headers()).json()
    assert datetime.fromisoformat(body["acknowledgement"]["due_at"]) == datetime(
        2026, 11, 23, 15, 0, tzinfo=IST
    )
    assert datetime.fromisoformat(body["received_at"]) == datetime(2026, 11, 20, 20, tzinfo=IST)


def test_staff_record_in_their_own_office_by_default(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    body = post(api, feedback_payload(channel="phone", office=None), staff_headers()).json()
    assert body["office"] == "istanbul"


def test_letters_and_front_office_need_no_contact(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    for channel in ("letter", "front_office"):
        payload = feedback_payload(channel=channel, customer={"name": "Ali Veli"})
        assert post(api, payload, staff_headers()).status_code == 201


def test_attachments_are_kept_privately(demo: None, api: Client) -> None:
    payload = feedback_payload(
        attachments=[
            {"filename": "ekran.png", "content_type": "image/png",
             "content_base64": base64.b64encode(PNG).decode()}
        ]
    )
    body = post(api, payload).json()
    attachment = Attachment.objects.get(feedback__reference=body["reference"])
    assert attachment.filename == "ekran.png" and attachment.size == len(PNG)
    assert attachment.file.read() == PNG
    assert "ekran" not in attachment.file.name


# --- validation: one test per rule; each answers 422 with the field and writes nothing ---


def assert_invalid(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid"
    assert field in body["fields"], body["fields"]
    assert all(isinstance(m, str) and m for m in body["fields"][field])
    assert Feedback.objects.count() == 0 and Customer.objects.count() == 0
    assert StageChange.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_privacy_notice_must_be_acknowledged(demo: None, api: Client) -> None:
    payload = feedback_payload(consent={"privacy_notice": False})
    assert_invalid(post(api, payload), "consent.privacy_notice")


def test_privacy_notice_is_required(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(consent={})), "consent.privacy_notice")


def test_privacy_notice_must_be_a_real_boolean(demo: None, api: Client) -> None:
    payload = feedback_payload(consent={"privacy_notice": "yes"})
    assert_invalid(post(api, payload), "consent.privacy_notice")


def test_unknown_type_is_refused(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(type="rant")), "type")


def test_unknown_channel_is_refused(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(channel="pigeon")), "channel")


def test_unknown_office_is_refused(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(office="bursa")), "office")


def test_subject_is_required(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(subject="   ")), "subject")


def test_description_is_required(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(description="")), "description")


def test_wrong_types_are_refused(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(subject=12345)), "subject")


def test_a_contact_is_required_for_web(demo: None, api: Client) -> None:
    payload = feedback_payload(customer={"name": "Ali Veli"})
    assert_invalid(post(api, payload), "customer")


def test_email_must_be_valid(demo: None, api: Client) -> None:
    payload = feedback_payload(customer={"email": "not-an-address", "language": "tr"})
    assert_invalid(post(api, payload), "customer.email")


def test_phone_must_be_a_real_number(demo: None, api: Client) -> None:
    payload = feedback_payload(customer={"phone": "+90 123", "language": "tr"})
    assert_invalid(post(api, payload), "customer.phone")


def test_preferred_email_needs_an_email(demo: None, api: Client) -> None:
    payload = feedback_payload(customer={"phone": "+905321234567", "preferred_contact": "email"})
    assert_invalid(post(api, payload), "customer.email")


def test_unknown_language_is_refused(demo: None, api: Client) -> None:
    payload = feedback_payload(customer={"email": "a@example.com", "language": "de"})
    assert_invalid(post(api, payload), "customer.language")


def test_imei_check_digit_is_verified(demo: None, api: Client) -> None:
    assert_invalid(post(api, feedback_payload(imei="490154203237519")), "imei")
    assert post(api, feedback_payload(imei="490154203237518")).status_code == 201


def test_the_public_cannot_backdate(demo: None, api: Client) -> None:
    payload = feedback_payload(received_at="2026-01-05T10:00:00+03:00")
    assert_invalid(post(api, payload), "received_at")


def test_received_at_is_never_in_the_future(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    headers = staff_headers()
    future = (datetime.now(IST) + timedelta(hours=1)).isoformat()
    payload = feedback_payload(channel="fax", received_at=future)
    assert_invalid(post(api, payload, headers), "received_at")


def test_received_at_needs_an_offset(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    headers = staff_headers()
    payload = feedback_payload(channel="fax", received_at="2026-01-05T10:00:00")
    assert_invalid(post(api, payload, headers), "received_at")


def test_disguised_attachment_is_refused(demo: None, api: Client) -> None:
    exe = b"MZ\x90\x00" + b"\x00" * 100
    payload = feedback_payload(
        attachments=[{"filename": "foto.jpg", "content_type": "image/jpeg",
                      "content_base64": base64.b64encode(exe).decode()}]
    )
    assert_invalid(post(api, payload), "attachments.0")


def test_attachment_type_must_match_content(demo: None, api: Client) -> None:
    payload = feedback_payload(
        attachments=[{"filename": "a.pdf", "content_type": "application/pdf",
                      "content_base64": base64.b64encode(PNG).decode()}]
    )
    assert_invalid(post(api, payload), "attachments.0")


def test_attachment_must_be_base64(demo: None, api: Client) -> None:
    payload = feedback_payload(
        attachments=[{"filename": "a.png", "content_type": "image/png", "content_base64": "%%%"}]
    )
    assert_invalid(post(api, payload), "attachments.0.content_base64")


def test_malformed_json_is_a_clear_400(demo: None, api: Client) -> None:
    response = api.post("/api/v1/feedback", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert Feedback.objects.count() == 0


def test_a_json_array_is_refused(demo: None, api: Client) -> None:
    response = api.post("/api/v1/feedback", "[1, 2]", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"error", "detail", "fields"}


def test_oversize_bodies_are_refused_before_reading(demo: None, api: Client) -> None:
    from django.conf import settings

    big = "x" * (settings.API_MAX_BODY_BYTES + 1)
    response = post(api, feedback_payload(description=big))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert Feedback.objects.count() == 0


def test_unknown_api_paths_answer_json(api: Client) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


# --- idempotency ---


def test_a_retry_with_the_same_key_returns_the_first_response(demo: None, api: Client) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = post(api, feedback_payload(), headers)
    second = post(api, feedback_payload(), headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Feedback.objects.count() == 1


def test_a_reused_key_with_another_body_is_refused(demo: None, api: Client) -> None:
    headers = {"Idempotency-Key": "retry-2"}
    assert post(api, feedback_payload(), headers).status_code == 201
    response = post(api, feedback_payload(subject="Başka konu"), headers)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert Feedback.objects.count() == 1


def test_keys_are_scoped_per_caller(
    api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    headers = {"Idempotency-Key": "same"}
    assert post(api, feedback_payload(), headers).status_code == 201
    staff = {**staff_headers(), **headers}
    assert post(api, feedback_payload(channel="phone"), staff).status_code == 201
    assert Feedback.objects.count() == 2


def test_a_failed_request_does_not_burn_the_key(demo: None, api: Client) -> None:
    headers = {"Idempotency-Key": "after-fix"}
    assert post(api, feedback_payload(subject=""), headers).status_code == 422
    assert post(api, feedback_payload(subject=""), headers).status_code == 422
    assert post(api, feedback_payload(), headers).status_code == 201


def test_public_intake_is_rate_limited_per_client(
    demo: None, api: Client, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time
    from types import SimpleNamespace

    from django.conf import settings

    from memnun.ratelimit import limiter

    # All the posts in one minute's window: one that crossed a minute's end started a new
    # window and was let through (the windows are fixed, by the clock).
    middle = (int(time.time()) // 60) * 60 + 30
    monkeypatch.setattr(limiter, "time", SimpleNamespace(time=lambda: middle))
    limit = settings.WEB_INTAKE_PER_MINUTE
    assert limit >= 20
    codes = [post(api, feedback_payload()).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [201] * limit
    assert codes[limit] == 429
    other = post(api, feedback_payload(), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 201


def test_nul_characters_are_refused_not_stored(demo: None, api: Client) -> None:
    body = json.dumps(feedback_payload(subject="Ekran\u0000"))
    response = api.post("/api/v1/feedback", body, content_type="application/json")
    assert response.status_code == 422 and "body" in response.json()["fields"]
    token = api.post(
        "/api/v1/auth/token", json.dumps({"username": "a\u0000", "password": "x"}),
        content_type="application/json",
    )
    assert token.status_code == 422
    assert Feedback.objects.count() == 0
