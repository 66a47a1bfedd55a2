"""Each message, delivered to a real SMTP server on loopback, in Turkish and in English."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback, StageChange
from memnun.feedback.services import messaging
from memnun.jobs.worker import Worker
from memnun.notifications.delivery import drain
from memnun.notifications.models import OutboundMessage
from memnun.notifications.outbox import thread_root_id
from tests.conftest import feedback_payload
from tests.mailtools import SmtpSink

IST = ZoneInfo("Europe/Istanbul")
TR_MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos",
             "Eylül", "Ekim", "Kasım", "Aralık"]
TR_DAYS = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

pytestmark = pytest.mark.django_db


def tr_date(at: datetime, *, weekday: bool = False, time: bool = True) -> str:
    at = timezone.localtime(at, IST)
    text = f"{at.day} {TR_MONTHS[at.month - 1]} {at.year}"
    if weekday:
        text += f" {TR_DAYS[at.weekday()]}"
    return f"{text}, {at:%H:%M}" if time else text


def en_date(at: datetime, *, weekday: bool = False) -> str:
    at = timezone.localtime(at, IST)
    text = f"{at.day} {EN_MONTHS[at.month - 1]} {at.year}, {at:%H:%M}"
    return f"{EN_DAYS[at.weekday()]} {text}" if weekday else text


def submit(api: Client, **overrides: Any) -> dict[str, Any]:
    response = api.post("/api/v1/feedback", feedback_payload(**overrides),
                        content_type="application/json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def run_worker() -> int:
    return Worker(worker_id="test-worker", periodic={}).run(once=True)


@override_settings(MEMNUN_REPLY_TO="geribildirim@memnun.local",
                   MEMNUN_PUBLIC_URL="https://memnun.example", PUBLIC_URL="https://memnun.example")
def test_web_acknowledgement_in_turkish(demo: None, api: Client, sink: SmtpSink) -> None:
    body = submit(api)
    reference, code = body["reference"], body["tracking_code"]
    assert body["acknowledgement"]["sent_at"] is None

    run_worker()  # delivers the queued message, then records the acknowledgement

    [received] = sink.wait_for(1)
    message = received.message
    assert received.recipients == ["isil@example.com"]
    assert message["Subject"] == f"Geri bildiriminizi aldık [{reference}]"
    assert message["Message-ID"] == thread_root_id(reference)
    assert message["Reply-To"] == f"geribildirim+{reference}@memnun.local"
    assert message["X-Memnun-Reference"] == reference
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = received.part("plain"), received.part("html")
    feedback = Feedback.objects.get(reference=reference)
    due = messaging.resolution_due(feedback)
    assert due is not None
    for part in (text, html):
        assert reference in part
        assert code in part
        assert f"https://memnun.example/track/{reference}" in part
        assert tr_date(feedback.received_at) in part
        assert tr_date(due, weekday=True) in part
        assert "Ekran değişimi gecikti" in part
        assert "İstanbul" in part
    assert "Sayın Işıl Öztürk" in text
    assert "Bundan sonra ne olacak?" in text

    # The acknowledgement's time is when the SMTP server accepted it.
    outbox = OutboundMessage.objects.get()
    feedback.refresh_from_db()
    assert outbox.status == "sent" and outbox.attempts == 1
    assert feedback.ack_sent_at == outbox.sent_at
    assert feedback.ack_method == "email"
    assert feedback.ack_on_time is True
    assert AuditEvent.objects.filter(action="feedback.acknowledged", actor="system",
                                     object_id=reference).exists()
    # The acknowledgement obligation is met, so the breach watch leaves it alone.
    from memnun.feedback.models import Obligation

    obligation = Obligation.objects.get(feedback=feedback, kind="acknowledgement")
    assert obligation.met_at == outbox.sent_at
    # The tracking code reached the customer; the outbox no longer keeps it.
    assert code not in outbox.text and code not in outbox.html
    assert api.get(f"/api/v1/track/{reference}?code={code}").status_code == 200


def test_web_acknowledgement_in_english(demo: None, api: Client, sink: SmtpSink) -> None:
    customer = {"name": "Jane Doe", "email": "jane@example.com", "language": "en",
                "preferred_contact": "email"}
    body = submit(api, customer=customer, subject="Screen <b>replacement</b> late")
    drain(worker="test")
    [received] = sink.wait_for(1)
    reference = body["reference"]
    assert received.message["Subject"] == f"We have received your feedback [{reference}]"
    assert received.message["Reply-To"] is None  # MEMNUN_REPLY_TO unset: replies go to From
    text, html = received.part("plain"), received.part("html")
    feedback = Feedback.objects.get(reference=reference)
    due = messaging.resolution_due(feedback)
    assert due is not None
    assert "Dear Jane Doe" in text
    assert body["tracking_code"] in text and body["tracking_code"] in html
    assert en_date(due, weekday=True) in text
    assert 'your complaint "Screen <b>replacement</b> late"' in text
    # Customer text is escaped in HTML, never markup.
    assert "Screen &lt;b&gt;replacement&lt;/b&gt; late" in html
    assert "<b>replacement</b>" not in html


def test_fax_acknowledgement_follows_the_preferred_channel(
    demo: None, api: Client, staff_headers: Any, sink: SmtpSink
) -> None:
    payload = feedback_payload(
        channel="fax", received_at="2026-11-20T20:00:00+03:00",
        customer={"name": "Ali Veli", "email": "ali@example.com", "phone": "+905321234567",
                  "preferred_contact": "email", "language": "tr"},
    )
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers=staff_headers("agent"))
    assert response.status_code == 201, response.content
    run_worker()
    [received] = sink.wait_for(1)
    text = received.part("plain")
    assert "20 Kasım 2026, 20:00" in text  # received on a Friday evening, İstanbul time
    feedback = Feedback.objects.get(reference=response.json()["reference"])
    assert feedback.ack_sent_at is not None and feedback.ack_method == "email"
    assert feedback.ack_on_time is False  # due Monday 23 Nov 15:00, sent days later


def test_phone_intake_sends_no_acknowledgement_unless_written_contact_chosen(
    demo: None, api: Client, staff_headers: Any, sink: SmtpSink
) -> None:
    for preferred, expected in (("phone", 0), ("email", 1)):
        payload = feedback_payload(channel="phone", customer={
            "name": "Ali Veli", "email": "ali@example.com", "phone": "+905321234567",
            "preferred_contact": preferred})
        response = api.post("/api/v1/feedback", payload, content_type="application/json",
                            headers=staff_headers("agent"))
        assert response.status_code == 201
        assert OutboundMessage.objects.filter(
            thread_key=response.json()["reference"]).count() == expected
    drain(worker="test")
    [receipt] = sink.wait_for(1)
    assert "Takip kodunuz" in receipt.part("plain")
    # The written receipt does not replace the acknowledgement given on the call (its
    # delivery is only logged as a disclosure to the e-mail provider).
    assert OutboundMessage.objects.get().callback_task == "memnun.feedback.tasks.message_delivered"


def _case(api: Client, language: str = "tr") -> Feedback:
    customer = {"name": "Işıl Öztürk" if language == "tr" else "Jane Doe",
                "email": "customer@example.com", "preferred_contact": "email",
                "language": language}
    # With consent to the survey: the closure message carries its link.
    body = submit(api, customer=customer, consent={"privacy_notice": True, "survey": True})
    return Feedback.objects.select_related("customer", "office").get(reference=body["reference"])


def _stage(feedback: Feedback, status: str) -> None:
    feedback.status = status
    feedback.save(update_fields=["status"])
    StageChange.objects.create(feedback=feedback, status=status, at=timezone.now())


@pytest.mark.parametrize("language", ["tr", "en"])
def test_lifecycle_messages(demo: None, api: Client, sink: SmtpSink, language: str) -> None:
    feedback = _case(api, language)
    reference = feedback.reference
    sneaky = "Ekranınız değiştirildi. {{ 7|add:1 }} {% now 'Y' %} <script>alert(1)</script>"
    with transaction.atomic():
        _stage(feedback, "in_progress")
        messaging.message_stage_changed(feedback, "in_progress")
        _stage(feedback, "resolved")
        messaging.message_resolution(feedback, sneaky, ["Tüketici hakem heyeti"])
        messaging.message_reminder(feedback, 1)
        _stage(feedback, "closed")
        messaging.message_closed(feedback)
    drain(worker="test")
    received = sink.wait_for(5)
    by_kind = {m.kind: r for m, r in zip(
        OutboundMessage.objects.order_by("id"), received, strict=True)}
    for r in received:
        assert f"[{reference}]" in r.message["Subject"]
        assert r.message["X-Memnun-Reference"] == reference
    assert set(by_kind) == {"acknowledgement", "stage_changed", "resolution", "reminder",
                            "closed"}
    # Later messages thread under the first one, and none repeats the tracking code.
    root = thread_root_id(reference)
    for kind in ("stage_changed", "resolution", "reminder", "closed"):
        assert by_kind[kind].message["In-Reply-To"] == root
        assert "Takip kodunuz" not in by_kind[kind].part("plain")
        assert "tracking code" not in by_kind[kind].part("plain")

    stage_text = by_kind["stage_changed"].part("plain")
    # The catalogue's label, in the customer's language.
    assert ("İşlem Sırasında" if language == "tr" else "In progress") in stage_text

    resolution = by_kind["resolution"]
    text, html = resolution.part("plain"), resolution.part("html")
    assert sneaky in text  # shown as written: never rendered as a template
    assert "{{ 7|add:1 }}" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "Tüketici hakem heyeti" in text
    assert f"https://memnun.example/track/{reference}/agreement?t=" in text or \
        f"/track/{reference}/agreement?t=" in text
    token = text.split("/agreement?t=")[1].split()[0]
    from memnun.feedback.tracking_access import tracking_link_reference

    assert tracking_link_reference(token=token, purpose="agreement") == reference
    assert tracking_link_reference(token=token, purpose="survey") is None

    closed = by_kind["closed"].part("plain")
    assert "/survey?t=" in closed
    assert ("kapatıldı" if language == "tr" else "closed") in closed


def test_staff_alert(demo: None, api: Client, sink: SmtpSink) -> None:
    feedback = _case(api)
    lead = User.objects.get(username="reviewer")
    with transaction.atomic():
        first = messaging.message_staff_alert(lead, "obligation_breached", feedback,
                                              due_at=feedback.ack_due_at)
        again = messaging.message_staff_alert(lead, "obligation_breached", feedback)
    assert first is not None and again is not None and first.pk == again.pk
    drain(worker="test")
    received = sink.wait_for(2)
    alert = next(r for r in received if r.recipients == ["reviewer@memnun.local"])
    assert alert.message["Subject"] == f"Süre aşıldı: {feedback.reference}"
    assert "Merhaba Zeynep Kaya" in alert.part("plain")


def test_console_backend_by_default(demo: None, api: Client) -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        body = submit(api)
        drain(worker="test")
    [message] = mail.outbox
    assert body["reference"] in message.subject
