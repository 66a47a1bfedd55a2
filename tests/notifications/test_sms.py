"""SMS through an HTTP provider API (a fake one on loopback), and the console for development."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import transaction
from django.test import Client, override_settings

from memnun.feedback.models import Feedback
from memnun.jobs.worker import Worker
from memnun.notifications.channels import ChannelPool
from memnun.notifications.channels.sms import delivery_key
from memnun.notifications.delivery import claim_batch, drain
from memnun.notifications.models import OutboundMessage
from memnun.notifications.outbox import message_queue
from tests.conftest import feedback_payload
from tests.mailtools import SmsProvider
from tests.notifications.conftest import FakeClock

pytestmark = pytest.mark.django_db

PHONE_ONLY = {"name": "Ali Veli", "phone": "+90 532 123 45 67", "language": "tr"}


def queue_sms(key: str = "sms:1") -> OutboundMessage:
    with transaction.atomic():
        return message_queue(channel="sms", kind="test", recipient="+905321234567",
                             language="tr", subject="", text="Başvurunuz alındı: 26-000001-4",
                             thread_key="26-000001-4", idempotency_key=key)


def test_web_feedback_with_only_a_phone_is_acknowledged_by_sms(
    demo: None, api: Client, sms: SmsProvider
) -> None:
    response = api.post("/api/v1/feedback", feedback_payload(customer=PHONE_ONLY),
                        content_type="application/json")
    body = response.json()
    Worker(worker_id="w", periodic={}).run(once=True)

    [request] = sms.requests
    message = OutboundMessage.objects.get()
    assert request["headers"]["Authorization"] == "Bearer sms-token"
    assert request["headers"]["Idempotency-Key"] == delivery_key(message)
    assert request["body"]["to"] == "+905321234567"
    assert request["body"]["from"] == "MEMNUN"
    assert request["body"]["reference"] == body["reference"]
    text = request["body"]["text"]
    assert body["reference"] in text and body["tracking_code"] in text
    assert f"/track/{body['reference']}" in text
    assert (message.status, message.provider_message_id) == ("sent", "sms-1")
    feedback = Feedback.objects.get()
    assert feedback.ack_method == "sms" and feedback.ack_sent_at == message.sent_at


@pytest.mark.parametrize(("status", "outcome"), [(503, "failed"), (429, "failed"),
                                                  (500, "failed"), (400, "dead"),
                                                  (401, "dead"), (422, "dead")])
def test_provider_errors(sms: SmsProvider, clock: FakeClock, status: int, outcome: str) -> None:
    message = queue_sms()
    sms.replies = [(status, {"Retry-After": "120"}, json.dumps({"error": "x"}).encode())]
    drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert message.status == outcome
    assert f"HTTP {status}" in message.last_error
    if outcome == "failed":
        assert (message.next_attempt_at - clock.now).total_seconds() >= 120  # Retry-After


def test_unreachable_provider_is_temporary(clock: FakeClock) -> None:
    from tests.mailtools import free_port

    message = queue_sms()
    with override_settings(MEMNUN_SMS_URL=f"http://127.0.0.1:{free_port()}/sms"):
        drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert message.status == "failed"


@override_settings(MEMNUN_OUTBOX_LEASE_SECONDS=60)
def test_a_resend_after_a_crash_carries_the_same_idempotency_key(
    sms: SmsProvider, clock: FakeClock
) -> None:
    queue_sms()
    [claimed] = claim_batch(worker="doomed", now=clock(), batch=1)
    ChannelPool().get("sms").send(claimed)  # accepted, then the worker dies
    clock.advance(61)
    assert drain(worker="w", clock=clock).sent == 1
    first, second = sms.requests
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]
    assert first["body"] == second["body"]


def test_without_a_provider_sms_go_to_the_log(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    message = queue_sms()
    with override_settings(MEMNUN_SMS_URL=""), caplog.at_level(logging.INFO):
        drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert message.status == "sent" and message.provider_message_id.startswith("console:")
    assert "Başvurunuz alındı: 26-000001-4" in caplog.text
