"""Delivery under faults: temporary and permanent SMTP refusals, and a worker lost mid-send."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback
from memnun.jobs.models import WorkerHeartbeat
from memnun.jobs.worker import Worker
from memnun.notifications.channels import ChannelPool
from memnun.notifications.delivery import LEASE_LOST, claim_batch, drain, next_due_at
from memnun.notifications.models import OutboundMessage
from memnun.notifications.outbox import message_queue
from tests.conftest import feedback_payload
from tests.mailtools import SmtpSink
from tests.notifications.conftest import FakeClock

pytestmark = pytest.mark.django_db

FAST = {"MEMNUN_OUTBOX_BACKOFF_SECONDS": 30, "MEMNUN_OUTBOX_BACKOFF_MAX_SECONDS": 600,
        "MEMNUN_OUTBOX_MAX_ATTEMPTS": 4, "MEMNUN_OUTBOX_LEASE_SECONDS": 60}


def queue(key: str = "test:1", recipient: str = "ayse@example.com") -> OutboundMessage:
    with transaction.atomic():
        return message_queue(
            channel="email", kind="test", recipient=recipient, language="tr",
            subject="Deneme [26-000001-4]", text="Merhaba", html="<p>Merhaba</p>",
            thread_key="26-000001-4", idempotency_key=key,
        )


@override_settings(**FAST)
@pytest.mark.parametrize("reply", ["421 4.3.2 Service shutting down", "451 4.7.1 Try later"])
def test_temporary_refusal_is_retried_with_backoff(
    sink: SmtpSink, clock: FakeClock, reply: str
) -> None:
    message = queue()
    sink.data_replies = [reply, reply]

    first = drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert (first.retried, message.status, message.attempts) == (1, "failed", 1)
    assert reply.split()[0] in message.last_error
    delay1 = (message.next_attempt_at - clock.now).total_seconds()
    assert 24 <= delay1 <= 30  # 30 s, minus up to 20 % jitter

    assert drain(worker="w", clock=clock).sent == 0  # not due yet
    clock.advance(delay1)
    drain(worker="w", clock=clock)
    message.refresh_from_db()
    delay2 = (message.next_attempt_at - clock.now).total_seconds()
    assert (message.status, message.attempts) == ("failed", 2)
    assert 48 <= delay2 <= 60  # doubled

    clock.advance(delay2)
    assert drain(worker="w", clock=clock).sent == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    [received] = sink.received
    assert received.message["Message-ID"] == message.message_id


@override_settings(**FAST)
def test_temporary_refusals_end_dead_after_the_last_attempt(
    sink: SmtpSink, clock: FakeClock
) -> None:
    message = queue()
    sink.data_replies = ["451 4.3.0 busy"] * 10
    for _ in range(4):
        drain(worker="w", clock=clock)
        clock.advance(3600)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 4)
    assert "gave up after 4 attempts" in message.last_error
    assert not sink.received


@override_settings(**FAST)
def test_permanent_refusal_is_dead_and_visible_to_staff(
    demo: None, api: Client, staff_headers: Any, sink: SmtpSink
) -> None:
    sink.rcpt_replies = ["550 5.1.1 No such user here"]
    body = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json").json()
    Worker(worker_id="w", periodic={}).run(once=True)  # delivery, then the callback

    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == ("dead", 1)
    assert "550" in message.last_error
    feedback = Feedback.objects.get(reference=body["reference"])
    assert feedback.ack_sent_at is None  # never acknowledged: staff must act
    assert AuditEvent.objects.filter(action="feedback.acknowledgement_undeliverable",
                                     object_id=feedback.reference).exists()

    response = api.get(f"/api/v1/feedback/{feedback.reference}/messages/outbound",
                       headers=staff_headers("agent"))
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["status"] == "dead" and item["kind"] == "acknowledgement"
    assert "550" in item["last_error"] and item["recipient"] == "i***@e******.com"
    assert "isil@example.com" not in str(item)


@override_settings(**FAST)
def test_permanent_data_refusal_is_dead(sink: SmtpSink, clock: FakeClock) -> None:
    message = queue()
    sink.data_replies = ["554 5.6.0 Message rejected"]
    assert drain(worker="w", clock=clock).dead == 1
    message.refresh_from_db()
    assert message.status == "dead"


@override_settings(**FAST)
def test_unreachable_server_is_temporary(clock: FakeClock) -> None:
    from tests.mailtools import free_port, smtp_settings

    message = queue()
    with override_settings(**smtp_settings(free_port())):  # nobody listens there
        drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert message.status == "failed"
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()


@override_settings(**FAST)
def test_worker_lost_between_claim_and_mark_sends_once_more(
    sink: SmtpSink, clock: FakeClock
) -> None:
    """The documented duplicate: the server accepted it, the worker died before marking it.

    After the lease the message is sent again, exactly once more, with the same
    Message-ID, so the recipient's client can tell it is the same message.
    """
    message = queue()
    [claimed] = claim_batch(worker="doomed", now=clock(), batch=10)
    pool = ChannelPool()
    pool.get("email").send(claimed)  # accepted by the server ...
    pool.close()  # ... and the worker dies here, before mark_sent
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == ("sending", "doomed")

    assert drain(worker="w2", clock=clock).sent == 0  # still leased: nobody touches it
    clock.advance(61)
    report = drain(worker="w2", clock=clock)
    assert (report.recovered, report.sent) == (1, 1)
    assert drain(worker="w3", clock=clock).sent == 0

    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_by) == ("sent", 2, "w2")
    first, duplicate = sink.received
    assert first.message["Message-ID"] == duplicate.message["Message-ID"] == message.message_id
    assert first.part("plain") == duplicate.part("plain")
    assert first.message["Subject"] == duplicate.message["Subject"]


def _heartbeat(worker_id: str, at: datetime) -> None:
    WorkerHeartbeat.objects.create(worker_id=worker_id, beat_at=at, started_at=at)


@override_settings(MEMNUN_WORKER_STALE_SECONDS=15)
def test_a_worker_whose_heartbeat_stopped_loses_its_claims_within_seconds(
    sink: SmtpSink, clock: FakeClock
) -> None:
    """The heartbeat, not the 300 s lease, tells that the worker died: 16 s after its last
    beat its message is sent by another worker, once more (the documented duplicate: the
    server had accepted it before the worker died)."""
    message = queue()
    last_beat = clock()
    _heartbeat("doomed", last_beat)
    [claimed] = claim_batch(worker="doomed", now=clock(), batch=10)
    pool = ChannelPool()
    pool.get("email").send(claimed)  # accepted by the server, then the worker dies
    pool.close()

    clock.advance(14)  # silent for less than MEMNUN_WORKER_STALE_SECONDS: presumed alive
    assert drain(worker="w2", clock=clock).sent == 0
    # The next delivery run is due when the silence becomes death, not at the lease.
    assert next_due_at(now=clock()) == last_beat + timedelta(seconds=15)
    clock.advance(2)
    report = drain(worker="w2", clock=clock)
    assert (report.recovered, report.sent) == (1, 1)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_by) == ("sent", 2, "w2")
    first, duplicate = sink.received
    assert first.message["Message-ID"] == duplicate.message["Message-ID"] == message.message_id


@override_settings(MEMNUN_WORKER_STALE_SECONDS=15)
def test_a_live_worker_keeps_its_claims(sink: SmtpSink, clock: FakeClock) -> None:
    queue()
    _heartbeat("busy", clock())
    claim_batch(worker="busy", now=clock(), batch=10)
    clock.advance(10)
    WorkerHeartbeat.objects.filter(worker_id="busy").update(beat_at=clock())  # it beats
    clock.advance(10)  # 20 s since the claim, 10 since the last beat
    assert drain(worker="w2", clock=clock).recovered == 0
    assert OutboundMessage.objects.get().status == "sending"
    assert sink.received == []


@override_settings(**FAST)
def test_a_late_worker_cannot_overwrite_a_reclaimed_message(
    sink: SmtpSink, clock: FakeClock
) -> None:
    from memnun.notifications.channels import Accepted
    from memnun.notifications.delivery import mark_sent

    queue()
    [slow] = claim_batch(worker="slow", now=clock(), batch=1)
    clock.advance(61)
    assert drain(worker="fast", clock=clock).sent == 1
    assert mark_sent(slow, Accepted(at=clock())) is False  # its claim is gone
    assert OutboundMessage.objects.get().claimed_by == "fast"


def test_queueing_is_idempotent_and_rolls_back_with_the_change(sink: SmtpSink) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        queue("test:rolled-back")
        raise Boom
    assert not OutboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()

    first = queue("test:once")
    again = queue("test:once")
    assert first.pk == again.pk and OutboundMessage.objects.count() == 1
    # One delivery run waits for it (the second queueing found the first run still waiting).
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


@override_settings(**FAST)
def test_dead_message_retried_from_the_admin_action(
    demo: None, sink: SmtpSink, clock: FakeClock, client: Client
) -> None:
    from memnun.accounts.models import User

    message = queue()
    sink.data_replies = ["550 5.7.1 rejected"]
    drain(worker="w", clock=clock)
    message.refresh_from_db()
    assert message.status == "dead"

    admin = User.objects.get(username="admin")
    client.force_login(admin)
    response = client.post(
        "/admin/notifications/outboundmessage/",
        {"action": "retry_now", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="notifications.message_retried").exists()
    assert drain(worker="w").sent == 1


def test_lease_lost_message_is_explained(sink: SmtpSink, clock: FakeClock) -> None:
    queue()
    claim_batch(worker="doomed", now=clock(), batch=1)
    clock.advance(10_000)
    with override_settings(MEMNUN_OUTBOX_MAX_ATTEMPTS=1):
        drain(worker="w", clock=clock)
    message = OutboundMessage.objects.get()
    assert (message.status, message.last_error) == ("dead", LEASE_LOST)
