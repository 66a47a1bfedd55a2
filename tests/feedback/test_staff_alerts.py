"""Staff alerts reach the lead by e-mail, only in business hours, once."""

from __future__ import annotations

import pytest

from memnun.feedback.models import StaffAlert
from memnun.feedback.services.breach_watch import breach_watch
from memnun.feedback.services.staff_alerts import staff_alerts_send
from memnun.notifications.models import OutboundMessage
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db


def test_a_breach_at_night_is_mailed_on_monday_morning_once(demo: None) -> None:
    case = record(channel="web", received_at=at("2026-11-20 17:55"))
    breach_watch(now=at("2026-11-21 03:00"))
    assert staff_alerts_send(now=at("2026-11-21 03:00")) == 0
    assert staff_alerts_send(now=at("2026-11-22 12:00")) == 0  # Sunday
    assert not OutboundMessage.objects.filter(kind="staff_alert").exists()

    assert staff_alerts_send(now=at("2026-11-23 09:00")) == 1
    mail = OutboundMessage.objects.get(kind="staff_alert")
    assert mail.recipient == "quality@memnun.local"
    assert case.reference in mail.subject or case.reference in mail.text
    assert StaffAlert.objects.get(feedback=case).delivered_at == at("2026-11-23 09:00")
    assert staff_alerts_send(now=at("2026-11-23 09:01")) == 0
    assert OutboundMessage.objects.filter(kind="staff_alert").count() == 1
