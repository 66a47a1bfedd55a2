"""GET /api/v1/feedback/{reference}/messages/outbound: staff see each message and its delivery."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from memnun.notifications.delivery import drain
from tests.conftest import feedback_payload
from tests.mailtools import SmtpSink

pytestmark = pytest.mark.django_db


def test_staff_see_messages_with_recipients_masked(
    demo: None, api: Client, staff_headers: Any, sink: SmtpSink
) -> None:
    reference = api.post("/api/v1/feedback", feedback_payload(),
                         content_type="application/json").json()["reference"]
    path = f"/api/v1/feedback/{reference}/messages/outbound"

    pending = api.get(path, headers=staff_headers("handler")).json()["items"]
    assert [(m["kind"], m["status"], m["attempts"]) for m in pending] == [
        ("acknowledgement", "pending", 0)]
    assert pending[0]["next_attempt_at"] is not None

    drain(worker="w")
    [item] = api.get(path, headers=staff_headers("agent")).json()["items"]
    assert (item["status"], item["attempts"], item["recipient"]) == ("sent", 1,
                                                                     "i***@e******.com")
    assert item["sent_at"].endswith("+03:00") and item["next_attempt_at"] is None
    assert item["message_id"] == sink.received[0].message["Message-ID"]

    [masked] = api.get(path, headers=staff_headers("auditor")).json()["items"]
    assert masked["recipient"] == "i***@e******.com"


def test_outbound_messages_need_a_token_and_a_visible_case(
    demo: None, api: Client, staff_headers: Any
) -> None:
    payload = feedback_payload(office="izmir")
    reference = api.post("/api/v1/feedback", payload, content_type="application/json").json()[
        "reference"]
    path = f"/api/v1/feedback/{reference}/messages/outbound"
    assert api.get(path).status_code == 401
    assert api.get(path, headers=staff_headers("agent")).status_code == 404  # İstanbul agent
    assert api.get(path, headers=staff_headers("quality")).status_code == 200
    assert api.get("/api/v1/feedback/26-000000-1/messages/outbound",
                   headers=staff_headers("quality")).status_code == 404
