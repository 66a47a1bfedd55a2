"""Each deadline computed once: "at once" is at once, a call recorded later was
acknowledged on the call, and the acknowledgement promises the stored resolution date."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from memnun.accounts.models import User
from memnun.feedback.models import Feedback, Obligation, StaffAlert
from memnun.feedback.selectors.case import case_deadlines
from memnun.feedback.selectors.deadline_state import DeadlineState, queue_state
from memnun.feedback.services import messaging
from memnun.feedback.services.acknowledgement import feedback_acknowledge
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.breach_watch import breach_watch
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.lifecycle import feedback_start
from memnun.jobs.worker import Worker
from memnun.notifications.models import OutboundMessage
from memnun.servicelevels.models import ServiceTarget, TargetMode
from tests.casework import staff
from tests.conftest import feedback_payload
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db
Headers = Callable[[str], dict[str, str]]
MINUTE = timedelta(seconds=60)


def post(api: Client, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    response = api.post("/api/v1/feedback", payload, content_type="application/json",
                        headers=headers or {})
    assert response.status_code == 201, response.content
    return response.json()


def ack(body: dict[str, Any]) -> tuple[datetime, datetime, Any, Any]:
    a = body["acknowledgement"]
    return (datetime.fromisoformat(body["received_at"]), datetime.fromisoformat(a["due_at"]),
            a["sent_at"], a["on_time"])


def test_web_feedback_is_due_at_receipt_and_acknowledged_on_time(
    demo: None, api: Client, staff_headers: Headers
) -> None:
    body = post(api, feedback_payload())
    received, due, sent, on_time = ack(body)
    assert received <= due <= received + MINUTE  # not receipt + 10 minutes
    assert (sent, on_time) == (None, None)
    Worker(worker_id="w", periodic={}).run(once=True)  # the mail goes out at once
    detail = api.get(f"/api/v1/feedback/{body['reference']}", headers=staff_headers("agent"))
    assert detail.json()["acknowledgement"]["on_time"] is True


def test_email_feedback_recorded_by_staff_is_due_at_its_receipt(
    demo: None, api: Client, staff_headers: Headers
) -> None:
    body = post(api, feedback_payload(channel="email", received_at="2026-11-27T20:00:00+03:00"),
                staff_headers("agent"))
    received, due, _, _ = ack(body)
    # At once at any hour: a Friday evening is not pushed to Monday's opening.
    assert received <= due <= received + MINUTE
    assert due < at("2026-11-27 20:02")


@pytest.mark.parametrize("channel", ["phone", "front_office"])
def test_a_call_or_visit_recorded_later_was_acknowledged_on_the_spot(
    demo: None, api: Client, staff_headers: Headers, channel: str
) -> None:
    two_hours_ago = (timezone.localtime() - timedelta(hours=2)).replace(microsecond=0)
    body = post(api, feedback_payload(channel=channel, received_at=two_hours_ago.isoformat()),
                staff_headers("agent"))
    received, due, sent, on_time = ack(body)
    assert received == two_hours_ago
    assert datetime.fromisoformat(sent) == received and on_time is True
    assert received <= due <= received + MINUTE
    detail = api.get(f"/api/v1/feedback/{body['reference']}", headers=staff_headers("agent"))
    assert detail.json()["acknowledgement"]["on_time"] is True
    obligation = Obligation.objects.get(feedback__reference=body["reference"],
                                        kind="acknowledgement")
    assert obligation.met_at == received and obligation.on_time is True


@pytest.fixture
def admin_client(demo: None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the refusal is read in English
    client.force_login(User.objects.get(username="admin"))
    return client


def target_form(mode: str, minutes: int) -> dict[str, str]:
    return {"key": "ack:web", "description": "", "mode": mode, "minutes": str(minutes),
            "warn_at_percent": "50"}


def test_the_admin_refuses_more_than_a_minute_of_grace_for_an_immediate_target(
    admin_client: Client,
) -> None:
    url = "/admin/servicelevels/servicetarget/add/"
    refused = admin_client.post(url, target_form("immediate", 10))
    assert refused.status_code == 200
    assert "at most 1 minute" in refused.content.decode()
    assert not ServiceTarget.objects.exists()
    assert admin_client.post(url, target_form("business", 10)).status_code == 302
    ServiceTarget.objects.all().delete()
    assert admin_client.post(url, target_form("immediate", 1)).status_code == 302
    assert ServiceTarget.objects.get().mode == TargetMode.IMMEDIATE


def test_the_migration_brings_stored_immediate_targets_down_to_a_minute(demo: None) -> None:
    ServiceTarget.objects.create(key="ack:web", mode="immediate", minutes=10)
    ServiceTarget.objects.create(key="ack:fax", mode="business", minutes=120)
    migration = importlib.import_module("memnun.servicelevels.migrations.0003_immediate_grace")
    migration._limit_grace(apps, None)
    web, fax = ServiceTarget.objects.get(key="ack:web"), ServiceTarget.objects.get(key="ack:fax")
    assert (web.minutes, web.version) == (1, 2)
    assert (fax.minutes, fax.version) == (120, 1)
    case = record(channel="web", actor="")
    assert case.ack_due_at is not None and case.ack_due_at - case.received_at <= MINUTE


def test_the_acknowledgement_promises_the_stored_safety_deadline(demo: None) -> None:
    # A phone case with no written contact gets no receipt at intake (messaging.py) …
    case = record(channel="phone", received_at=at("2026-11-23 10:00"),
                  customer=CustomerInput(name="Işıl Öztürk", phone="+90 532 123 45 67"))
    assert not OutboundMessage.objects.exists()
    # … it is assessed as a battery hazard: the shorter safety target (2 business days).
    feedback_start(actor=User.objects.get(username="reviewer"), feedback=case,
                   assessment=AssessmentInput(severity="high", safety_hazard=True,
                                              category="battery-safety"),
                   assignee="handler", now=at("2026-11-23 11:00"))
    resolution = Obligation.objects.get(feedback=case, kind="resolution")
    assert resolution.target_key == "resolution:safety"
    assert resolution.due_at == at("2026-11-25 10:00")
    # The customer then asks for a written receipt by SMS.
    customer = Feedback.objects.get(pk=case.pk).customer
    customer.preferred_contact = "sms"
    customer.save(update_fields=["preferred_contact"])
    message = messaging.message_acknowledgement(
        feedback=Feedback.objects.select_related("customer", "office").get(pk=case.pk),
        tracking_code="ABCD-EFGH",
    )
    assert message is not None and message.channel == "sms"
    assert "25 Kasım 2026" in message.text  # the stored deadline, not ten days on
    assert messaging.resolution_due(case) == resolution.due_at


def test_queue_and_case_page_speak_one_vocabulary(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-23 09:00"))  # ack due 15:00
    ack_warn = Obligation.objects.get(feedback=case, kind="acknowledgement").warn_at
    assert ack_warn == at("2026-11-23 13:48")  # 80 % of six business hours
    for now, expected in [
        (at("2026-11-23 10:00"), DeadlineState.ON_TRACK),
        (at("2026-11-23 13:48"), DeadlineState.AT_RISK),  # where the breach watch warns
        (at("2026-11-23 15:00"), DeadlineState.AT_RISK),  # due, not yet late
        (at("2026-11-23 15:01"), DeadlineState.LATE),
    ]:
        [first, *_] = case_deadlines(feedback=case, now=now)
        assert first.kind == "acknowledgement"
        assert first.state == queue_state(feedback=case, now=now) == expected
    feedback = Feedback.objects.get(pk=case.pk)
    feedback_acknowledge(feedback=feedback, method="letter", sent_at=at("2026-11-23 15:00"),
                         actor=User.objects.get(username="agent"))
    states = {d.kind: d.state for d in case_deadlines(feedback=case, now=at("2026-11-24 10:00"))}
    assert states["acknowledgement"] == DeadlineState.MET_ON_TIME
    assert states["resolution"] == DeadlineState.ON_TRACK


def test_one_idea_of_an_office_lead_for_safety_alerts_and_warnings(demo: None) -> None:
    # Ankara has no reviewer: its quality managers stand in, not another office's.
    staff("quality-izmir", "quality", office="izmir")
    staff("quality-ankara", "quality", office="ankara")
    case = record(channel="fax", office="ankara", actor="quality",
                  received_at=at("2026-11-23 09:00"))
    feedback_start(actor=User.objects.get(username="quality"), feedback=case,
                   assessment=AssessmentInput(severity="high", safety_hazard=True),
                   assignee="quality", now=at("2026-11-23 10:00"))
    safety = {a.recipient.username for a in StaffAlert.objects.filter(kind="safety_hazard")}
    breach_watch(now=at("2026-11-23 14:00"))  # the acknowledgement is at risk
    warned = {a.recipient.username for a in StaffAlert.objects.filter(kind="obligation_at_risk")}
    assert safety == warned == {"quality", "quality-ankara"}
