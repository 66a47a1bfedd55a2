"""Signed webhooks delivered through the outbox to a real receiver on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from memnun.feedback.privacy_models import Disclosure
from memnun.jobs.worker import Worker
from memnun.notifications.delivery import drain
from memnun.notifications.models import OutboundMessage
from memnun.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.casework import Case, case_in, user
from tests.mailtools import SmtpSink
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec_test-secret"
PERSONAL = ("Işıl Öztürk", "isil@example.com", "+905321234567", "5321234567")

# The recipe of docs/webhooks.md, as an integrator would copy it.
REPLAY_WINDOW = 300


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > REPLAY_WINDOW:
        return False
    expected = hmac.new(
        secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, given)


def subscribe(receiver: Receiver, *, events: list[str] | None = None,
              personal: bool = False) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name="CRM", url=receiver.url, secret=SECRET, allow_personal_data=personal,
        events=events or list(WebhookEvent.values),
    )


def webhooks() -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(channel="webhook").order_by("id"))


def deliver(*, later: float = 0) -> None:
    now = timezone.now() + timedelta(seconds=later)
    drain(worker="test", clock=lambda: now)


def test_every_event_is_delivered_signed_and_without_personal_data(
    demo: None, receiver: Receiver
) -> None:
    subscribe(receiver)
    closed = case_in("closed")
    rejected = case_in("resolved").answer(accept=False)
    deliver()

    bodies = [json.loads(r.body) for r in receiver.requests]
    assert {b["event"] for b in bodies} == set(WebhookEvent.values)
    for request in receiver.requests:
        assert verify(SECRET, request.headers["Memnun-Signature"], request.body)
        assert not verify("another secret", request.headers["Memnun-Signature"], request.body)
        assert not verify(SECRET, request.headers["Memnun-Signature"], request.body + b" ")
        for value in PERSONAL:
            assert value not in request.body.decode()
    mine = [b for b in bodies if b["reference"] == closed.reference]
    assert [b["event"] for b in mine] == [
        "feedback.recorded",
        "feedback.stage_changed", "feedback.stage_changed", "feedback.stage_changed",
        "feedback.resolved", "feedback.customer_answered", "feedback.stage_changed",
        "feedback.closed",
    ]
    assert set(mine[0]) == {"event", "id", "occurred_at", "reference", "status", "office",
                            "channel", "type"}
    assert (mine[0]["status"], mine[0]["office"], mine[0]["channel"], mine[0]["type"]) == (
        "created", "istanbul", "phone", "complaint")
    assert mine[-1]["status"] == "closed" and mine[-1]["previous_status"] == "resolved"
    assert mine[5]["answer"] == "resolution_accepted"
    answered = [b for b in bodies if b["reference"] == rejected.reference
                and b["event"] == "feedback.customer_answered"]
    assert [b["answer"] for b in answered] == ["resolution_rejected"]
    # A signature outside the replay window is refused by the recipe.
    first = receiver.requests[0]
    assert not verify(SECRET, first.headers["Memnun-Signature"], first.body,
                      now=time.time() + REPLAY_WINDOW + 5)
    assert all(m.status == "sent" for m in webhooks())
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == len(bodies)


def test_only_the_chosen_events_of_active_subscriptions(demo: None, receiver: Receiver) -> None:
    subscribe(receiver, events=["feedback.closed"])
    WebhookSubscription.objects.create(name="off", url=receiver.url, secret=SECRET,
                                       events=list(WebhookEvent.values), active=False)
    case = case_in("closed")
    deliver()
    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["feedback.closed"]
    assert json.loads(receiver.requests[0].body)["reference"] == case.reference


def test_a_change_rolled_back_sends_nothing(demo: None, receiver: Receiver) -> None:
    subscribe(receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        Case()
        raise RuntimeError("the change fails after the audit event")
    assert webhooks() == []


def test_a_500_is_retried_with_backoff_then_delivered(demo: None, receiver: Receiver) -> None:
    subscription = subscribe(receiver, events=["feedback.recorded"])
    receiver.replies = [500]
    Case()
    deliver()
    [message] = webhooks()
    assert message.status == "failed" and message.next_attempt_at > timezone.now()
    deliver()  # not due yet: the backoff holds it
    assert len(receiver.requests) == 1
    deliver(later=3600)
    message.refresh_from_db()
    assert message.status == "sent"
    first, second = receiver.requests
    assert first.body == second.body  # the same event id: a receiver can drop repeats
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert verify(SECRET, second.headers["Memnun-Signature"], second.body)
    log = [(d.attempt, d.status_code, d.delivered_at is not None)
           for d in WebhookDelivery.objects.order_by("id")]
    assert log == [(1, 500, False), (2, 200, True)]
    subscription.refresh_from_db()
    assert subscription.failure_count == 0 and subscription.active


@override_settings(MEMNUN_WEBHOOK_FAILURE_LIMIT=3)
def test_disabled_after_failures_in_a_row_with_an_alert_mail(
    demo: None, receiver: Receiver, sink: SmtpSink
) -> None:
    subscription = subscribe(receiver, events=["feedback.recorded"])
    receiver.always = 503
    Case()
    for attempt in range(3):
        deliver(later=attempt * 7200)
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    assert subscription.failure_count == 3 and "503" in subscription.disabled_reason
    [message] = webhooks()
    assert message.status == "dead"
    assert len(receiver.requests) == 3

    deliver(later=3 * 7200)  # the alert goes out by e-mail through the outbox
    alerts = [m for m in sink.received if "CRM" in m.message["Subject"]]
    told = {address for m in alerts for address in m.recipients}
    assert told == {user("admin").email, user("quality").email}
    assert "CRM" in alerts[0].part("plain")

    Case()  # a disabled subscription gets nothing more
    assert len(webhooks()) == 1

    # Ticked active again in the admin: the count starts afresh and events flow again.
    client = Client()
    client.force_login(user("admin"))
    response = client.post(
        f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/",
        {"name": "CRM", "url": receiver.url, "events": ["feedback.recorded"], "active": "on"},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.active and subscription.failure_count == 0
    assert subscription.disabled_at is None and subscription.disabled_reason == ""
    receiver.always = 0
    Case()
    deliver(later=4 * 7200)
    assert json.loads(receiver.requests[-1].body)["event"] == "feedback.recorded"
    assert webhooks()[-1].status == "sent"


def test_personal_data_only_when_allowed_and_then_a_disclosure(
    demo: None, receiver: Receiver
) -> None:
    subscribe(receiver, events=["feedback.recorded"], personal=True)
    case = Case()
    Worker(worker_id="w", periodic={}).run(once=True)  # delivery, then its callback
    Worker(worker_id="w", periodic={}).run(once=True)
    [request] = receiver.requests
    body = json.loads(request.body)
    assert body["customer"] == {"name": "Işıl Öztürk", "email": "isil@example.com",
                                "phone": "+905321234567"}
    [disclosure] = Disclosure.objects.filter(feedback=case.feedback, recipient="Webhook: CRM")
    assert disclosure.basis == "processor" and disclosure.data == ["contact"]
    assert disclosure.message_id == webhooks()[0].pk

    # Once delivered, neither the outbox nor the delivery log keeps the details.
    [message] = webhooks()
    delivery = WebhookDelivery.objects.get()
    for kept in (message.text, delivery.payload):
        assert case.reference in kept
        assert not any(value in kept for value in PERSONAL)
    # A redelivery reads them afresh from the case.
    client = Client()
    client.force_login(user("admin"))
    client.post("/admin/webhooks/webhookdelivery/",
                {"action": "redeliver", "_selected_action": [delivery.pk]})
    deliver()
    again = json.loads(receiver.requests[-1].body)
    assert again["customer"] == body["customer"] and again["id"] == body["id"]

    # The delivery log shows the payload with the customer's details masked.
    page = client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    shown = page.content.decode()
    assert case.reference in shown and "customer" in shown
    assert "isil@example.com" not in shown and "+905321234567" not in shown


def test_redelivery_from_the_admin(demo: None, receiver: Receiver) -> None:
    subscribe(receiver, events=["feedback.recorded"])
    Case()
    deliver()
    [delivery] = WebhookDelivery.objects.all()
    client = Client()
    client.force_login(user("admin"))
    response = client.post("/admin/webhooks/webhookdelivery/",
                           {"action": "redeliver", "_selected_action": [delivery.pk]})
    assert response.status_code == 302
    deliver()
    first, again = receiver.requests
    assert json.loads(first.body)["id"] == json.loads(again.body)["id"]
    assert first.headers["Idempotency-Key"] != again.headers["Idempotency-Key"]
    assert verify(SECRET, again.headers["Memnun-Signature"], again.body)
    assert WebhookDelivery.objects.count() == 2


def test_the_admin_refuses_a_plain_http_url_and_shows_the_secret_once(demo: None) -> None:
    client = Client()
    client.force_login(user("admin"))
    form = {"name": "ERP", "events": ["feedback.recorded"], "active": "on"}
    response = client.post("/admin/webhooks/webhooksubscription/add/",
                           {**form, "url": "http://erp.example.com/hooks"})
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not WebhookSubscription.objects.exists()

    response = client.post("/admin/webhooks/webhooksubscription/add/",
                           {**form, "url": "https://erp.example.com/hooks"}, follow=True)
    subscription = WebhookSubscription.objects.get()
    assert subscription.secret.startswith("whsec_") and len(subscription.secret) > 40
    assert subscription.secret in response.content.decode()
    page = client.get(f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/")
    assert page.status_code == 200 and subscription.secret not in page.content.decode()
    delivery_log = client.get("/admin/webhooks/webhookdelivery/")
    assert delivery_log.status_code == 200
    # The log is read-only: written by the deliveries alone.
    assert client.get("/admin/webhooks/webhookdelivery/add/").status_code == 403


def test_a_correction_before_sending_is_what_is_sent(demo: None, receiver: Receiver) -> None:
    subscribe(receiver, events=["feedback.recorded"], personal=True)
    case = Case()
    customer = case.feedback.customer
    customer.email = "isil.ozturk@example.org"
    customer.save(update_fields=["email"])
    deliver()
    [request] = receiver.requests
    assert json.loads(request.body)["customer"]["email"] == "isil.ozturk@example.org"
    assert b"isil@example.com" not in request.body
    assert verify(SECRET, request.headers["Memnun-Signature"], request.body)
