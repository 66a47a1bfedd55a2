"""Customers who have not answered a resolution are reminded every N days, at most M times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from memnun.feedback.models import Feedback, StageChange
from memnun.feedback.services.messaging import reminders_send
from memnun.feedback.tasks import resolution_reminders
from memnun.jobs.schedule import PERIODIC, autodiscover
from memnun.notifications.models import OutboundMessage
from tests.conftest import feedback_payload

pytestmark = pytest.mark.django_db


def resolved_case(api: Client, days_ago: float) -> Feedback:
    body = api.post("/api/v1/feedback", feedback_payload(), content_type="application/json").json()
    feedback = Feedback.objects.get(reference=body["reference"])
    feedback.status = "resolved"
    feedback.save(update_fields=["status"])
    StageChange.objects.create(feedback=feedback, status="resolved",
                               at=timezone.now() - timedelta(days=days_ago))
    return feedback


@override_settings(MEMNUN_RESOLUTION_REMINDER_DAYS=5, MEMNUN_RESOLUTION_REMINDERS=2)
def test_reminders_follow_the_days_and_the_limit(demo: None, api: Client) -> None:
    waiting = resolved_case(api, days_ago=6)
    fresh = resolved_case(api, days_ago=1)
    answered = resolved_case(api, days_ago=30)
    answered.status = "closed"
    answered.save(update_fields=["status"])

    assert reminders_send() == 1
    assert reminders_send() == 0  # once per period
    reminders = OutboundMessage.objects.filter(kind="reminder")
    assert [m.thread_key for m in reminders] == [waiting.reference]
    assert "Hatırlatma" in reminders.get().subject

    later = timezone.now() + timedelta(days=5)
    assert reminders_send(now=later) == 2  # waiting's second, fresh's first
    assert reminders_send(now=later + timedelta(days=30)) == 1  # fresh's second; no third
    assert reminders_send(now=later + timedelta(days=60)) == 0
    assert reminders.filter(thread_key=waiting.reference).count() == 2
    assert reminders.filter(thread_key=fresh.reference).count() == 2
    assert not reminders.filter(thread_key=answered.reference).exists()


def test_the_reminder_job_is_periodic(demo: None, api: Client) -> None:
    autodiscover()
    assert PERIODIC["feedback.resolution_reminders"].task is resolution_reminders
    assert PERIODIC["notifications.deliver_pending"].period == timedelta(seconds=30)
    resolved_case(api, days_ago=6)
    assert resolution_reminders.call() == 1
