"""A safety hazard reaches the office's on-call person at once, by e-mail and SMS, at any
hour; routine staff alerts keep office hours."""

from __future__ import annotations

import pytest
from django.test import Client

from memnun.accounts.models import User
from memnun.feedback.models import Feedback, StaffAlert
from memnun.feedback.services.assessment import AssessmentInput, feedback_assess
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.lifecycle import feedback_start
from memnun.feedback.services.staff_alerts import staff_alerts_send
from memnun.jobs.worker import Worker
from memnun.notifications.models import OutboundMessage
from memnun.organisation.models import Office, OnCall
from tests.feedback.cases import at, record
from tests.mailtools import SmsProvider, SmtpSink

pytestmark = pytest.mark.django_db

# Tuesday 24 November 2026, 23:00 in Istanbul: the office closed at 18:00.
NIGHT = at("2026-11-24 23:00")


def visit(received: str = "2026-11-24 22:30") -> Feedback:
    # Recorded face to face with no written contact: the customer is sent nothing.
    return record(channel="front_office", received_at=at(received),
                  customer=CustomerInput(name="Işıl Öztürk"))


def test_a_safety_hazard_at_night_reaches_the_on_call_person_at_once(
    demo: None, sink: SmtpSink, sms: SmsProvider
) -> None:
    case = visit()
    feedback_start(actor=User.objects.get(username="reviewer"), feedback=case,
                   assessment=AssessmentInput(severity="critical", safety_hazard=True),
                   assignee="handler", now=NIGHT)
    reference = case.reference
    Worker(worker_id="w", periodic={}).run(once=True)

    [mail] = sink.wait_for(1)
    assert mail.recipients == ["nobet-istanbul@memnun.local"]
    assert reference in mail.message["Subject"] and "Güvenlik riski" in mail.message["Subject"]
    [text] = [r["body"] for r in sms.requests]
    assert text["to"] == "+905321234501"
    assert reference in text["text"] and "Güvenlik riski" in text["text"]

    # The lead's routine alert waits for the office to open on Wednesday morning.
    lead = StaffAlert.objects.get(feedback=case, kind="safety_hazard")
    assert lead.recipient.username == "reviewer"
    assert staff_alerts_send(now=NIGHT) == 0
    assert not OutboundMessage.objects.filter(recipient="reviewer@memnun.local").exists()
    assert staff_alerts_send(now=at("2026-11-25 09:00")) == 1
    assert OutboundMessage.objects.filter(recipient="reviewer@memnun.local").count() == 1
    # Nothing more for the on-call person: one e-mail and one SMS.
    assert OutboundMessage.objects.filter(recipient__in=[
        "nobet-istanbul@memnun.local", "+905321234501"]).count() == 2


def test_immediate_action_reaches_whoever_is_on_call_now(
    demo: None, sink: SmtpSink, sms: SmsProvider
) -> None:
    office = Office.objects.get(code="istanbul")
    OnCall.objects.filter(office=office).update(is_active=False)
    OnCall.objects.create(office=office, name="Gece", email="gece@memnun.local",
                          starts_at=at("2026-11-24 18:00"), ends_at=at("2026-11-25 09:00"))
    OnCall.objects.create(office=office, name="Gündüz", phone="+905321234599",
                          starts_at=at("2026-11-25 09:00"), ends_at=at("2026-11-25 18:00"))
    case = visit()
    reviewer = User.objects.get(username="reviewer")
    feedback_start(actor=reviewer, feedback=case,
                   assessment=AssessmentInput(severity="low", safety_hazard=False),
                   assignee="handler", now=at("2026-11-24 22:45"))
    assert not OutboundMessage.objects.exists()  # routine: nothing at night
    feedback_assess(actor=reviewer, feedback=case,
                    data=AssessmentInput(severity="high", safety_hazard=False,
                                         immediate_action=True), now=NIGHT)
    Worker(worker_id="w", periodic={}).run(once=True)
    [mail] = sink.wait_for(1)
    assert mail.recipients == ["gece@memnun.local"]
    assert "Acil önlem gerekli" in mail.message["Subject"]
    assert sms.requests == []  # the night turn has no phone; the day turn is not on yet


def test_the_rota_is_edited_in_the_admin(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    office = Office.objects.get(code="ankara")
    url = "/admin/organisation/oncall/add/"
    refused = client.post(url, {"office": office.pk, "name": "Nöbetçi", "phone": "123",
                                "is_active": "on"})
    assert refused.status_code == 200 and not OnCall.objects.filter(name="Nöbetçi").exists()
    saved = client.post(url, {"office": office.pk, "name": "Nöbetçi",
                              "phone": "0532 123 45 67", "is_active": "on"})
    assert saved.status_code == 302
    assert OnCall.objects.get(name="Nöbetçi").phone == "+905321234567"
    listed = client.get(f"/admin/organisation/oncall/?office__id__exact={office.pk}")
    assert "Nöbetçi" in listed.content.decode() and "+905321234567" in listed.content.decode()
