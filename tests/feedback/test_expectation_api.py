"""The customer is told when their feedback is taken in and when to expect an answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.test import Client

from memnun.feedback.models import Feedback
from memnun.feedback.services.obligations import obligations_pause
from tests.conftest import feedback_payload
from tests.feedback.cases import IST, at

pytestmark = pytest.mark.django_db
Headers = Callable[[str], dict[str, str]]


def test_a_fax_on_friday_night_is_taken_in_on_monday(
    api: Client, staff_headers: Headers
) -> None:
    payload = feedback_payload(channel="fax", received_at="2026-11-20T20:00:00+03:00")
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers=staff_headers("agent"))
    assert response.status_code == 201
    body = response.json()
    assert body["expected"] == {
        "taken_in_at": "2026-11-23T09:00:00+03:00",
        "answer_by": "2026-12-04T18:00:00+03:00",
    }
    # Everything the contract promised is still there.
    assert {"reference", "tracking_code", "acknowledgement", "tracking_url"} <= set(body)
    track = api.get(f"/api/v1/track/{body['reference']}?code={body['tracking_code']}")
    assert track.status_code == 200
    assert track.json()["expected"] == body["expected"]


def test_in_business_hours_it_is_taken_in_at_once(api: Client, staff_headers: Headers) -> None:
    payload = feedback_payload(channel="phone", received_at="2026-11-18T11:15:00+03:00")
    body = api.post("/api/v1/feedback", payload, content_type="application/json",
                    headers=staff_headers("agent")).json()
    assert datetime.fromisoformat(body["expected"]["taken_in_at"]) == datetime(
        2026, 11, 18, 11, 15, tzinfo=IST
    )


def test_no_promise_while_waiting_for_the_customer(api: Client, staff_headers: Headers) -> None:
    payload = feedback_payload(channel="fax", received_at="2026-11-20T20:00:00+03:00")
    body = api.post("/api/v1/feedback", payload, content_type="application/json",
                    headers=staff_headers("agent")).json()
    case = Feedback.objects.get(reference=body["reference"])
    obligations_pause(feedback=case, at=at("2026-11-23 10:00"))
    track = api.get(f"/api/v1/track/{body['reference']}?code={body['tracking_code']}").json()
    assert track["expected"]["answer_by"] is None


@pytest.mark.parametrize("channel", ["phone", "web", "fax"])
def test_the_intake_answers_what_the_database_holds(
    api: Client, staff_headers: Headers, channel: str
) -> None:
    """The 201 answer's expectation comes from the obligations the intake has just
    written, unread (issue 14); the tracking answer reads them back: the same, to the
    microsecond of the server's own receipt time."""
    headers = {} if channel == "web" else staff_headers("agent")
    body = api.post("/api/v1/feedback", feedback_payload(channel=channel),
                    content_type="application/json", headers=headers).json()
    assert body["expected"]["answer_by"] is not None
    track = api.get(f"/api/v1/track/{body['reference']}?code={body['tracking_code']}")
    assert track.json()["expected"] == body["expected"]
