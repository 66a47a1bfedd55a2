"""The breach watch with an injected clock: warnings, escalations, alerts in business hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Feedback, Obligation, StaffAlert
from memnun.feedback.selectors.alerts import alerts_deliverable
from memnun.feedback.services.acknowledgement import feedback_acknowledge_delivered
from memnun.feedback.services.breach_watch import breach_watch, breach_watch_task
from memnun.feedback.services.obligations import obligations_pause
from memnun.organisation.models import Office
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


def ack(case: Feedback) -> Obligation:
    return Obligation.objects.get(feedback=case, kind="acknowledgement")


def alerts(kind: str) -> list[tuple[str, str]]:
    return sorted(
        StaffAlert.objects.filter(kind=kind)
        .values_list("recipient__username", "feedback__reference")
    )


def test_a_fax_on_friday_night_is_warned_at_1348_and_missed_after_1500(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    assert breach_watch(now=at("2026-11-23 13:48") - SECOND).warned == 0
    summary = breach_watch(now=at("2026-11-23 13:48"))
    assert (summary.warned, summary.breached, summary.alerts) == (1, 0, 1)
    assert alerts("obligation_at_risk") == [("reviewer", case.reference)]
    assert ack(case).warned_at == at("2026-11-23 13:48")
    # The same moment again changes nothing.
    assert breach_watch(now=at("2026-11-23 13:48")) == type(summary)(0, 0, 0)
    assert StaffAlert.objects.count() == 1
    # Due at 15:00 exactly is still in time.
    assert breach_watch(now=at("2026-11-23 15:00")).breached == 0
    summary = breach_watch(now=at("2026-11-23 15:00") + SECOND)
    assert summary.breached == 1 and summary.warned == 0
    obligation = ack(case)
    assert obligation.breached_at == at("2026-11-23 15:00") + SECOND
    assert obligation.escalation_level == 1
    assert alerts("obligation_breached") == [("quality", case.reference)]
    assert breach_watch(now=at("2026-11-23 15:00") + SECOND).breached == 0
    actions = list(
        AuditEvent.objects.filter(object_id=case.reference, actor="system")
        .values_list("action", flat=True)
    )
    assert actions == ["obligation.warned", "obligation.breached"]
    breached = AuditEvent.objects.get(action="obligation.breached")
    assert breached.data["kind"] == "acknowledgement"
    assert breached.data["escalation_level"] == {"before": 0, "after": 1}
    assert audit_verify().ok


def test_a_fax_at_five_on_friday_is_warned_at_1248_and_due_at_1400(demo: None) -> None:
    record(channel="fax", received_at=at("2026-11-20 17:00"))
    assert breach_watch(now=at("2026-11-23 12:47")).warned == 0
    assert breach_watch(now=at("2026-11-23 12:48")).warned == 1
    assert breach_watch(now=at("2026-11-23 14:00")).breached == 0
    assert breach_watch(now=at("2026-11-23 14:01")).breached == 1


def test_a_deadline_missed_unwatched_is_escalated_not_warned(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    summary = breach_watch(now=at("2026-11-24 09:00"))
    # The acknowledgement is missed; the resolution (ten days) is not yet at risk.
    assert (summary.warned, summary.breached) == (0, 1)
    assert ack(case).warned_at is None and ack(case).breached_at is not None


def test_an_alert_raised_at_night_waits_for_monday_morning(demo: None) -> None:
    case = record(channel="web", received_at=at("2026-11-20 17:55"))  # due 18:05
    breach_watch(now=at("2026-11-21 03:00"))  # Saturday night
    alert = StaffAlert.objects.get(kind="obligation_breached", feedback=case)
    assert alert.recipient.username == "quality"
    assert alert.created_at == at("2026-11-21 03:00")
    assert alert.deliver_after == at("2026-11-23 09:00")
    assert alerts_deliverable(now=at("2026-11-21 03:00")) == []
    assert alerts_deliverable(now=at("2026-11-23 08:59")) == []
    assert alerts_deliverable(now=at("2026-11-23 09:00")) == [alert]


def test_an_undelivered_alert_waits_again_after_closing(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    breach_watch(now=at("2026-11-23 13:48"))
    alert = StaffAlert.objects.get(feedback=case)
    assert alert.deliver_after == at("2026-11-23 13:48")  # open: at once
    assert alerts_deliverable(now=at("2026-11-23 17:59")) == [alert]
    assert alerts_deliverable(now=at("2026-11-23 18:30")) == []
    assert alerts_deliverable(now=at("2026-11-24 09:00")) == [alert]
    StaffAlert.objects.filter(pk=alert.pk).update(delivered_at=at("2026-11-24 09:00"))
    assert alerts_deliverable(now=at("2026-11-24 09:01")) == []


def test_met_paused_and_closed_cases_are_left_alone(demo: None) -> None:
    met = record(channel="fax", received_at=at("2026-11-20 20:00"))
    feedback_acknowledge_delivered(feedback=met, method="sms", sent_at=at("2026-11-23 09:30"))
    paused = record(channel="phone", received_at=at("2026-11-20 20:00"))
    obligations_pause(feedback=paused, at=at("2026-11-23 09:00"))
    closed = record(channel="fax", received_at=at("2026-11-20 20:00"))
    Feedback.objects.filter(pk=closed.pk).update(status="closed")
    summary = breach_watch(now=at("2026-11-23 16:00"))
    assert (summary.warned, summary.breached) == (0, 0)
    assert StaffAlert.objects.count() == 0


def test_an_office_without_a_lead_warns_the_quality_managers(demo: None) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"), office="ankara",
                  actor="quality")
    second = User.objects.create(username="quality2", role=Role.QUALITY,
                                 office=Office.objects.get(code="izmir"))
    breach_watch(now=at("2026-11-23 14:00"))
    assert alerts("obligation_at_risk") == [("quality", case.reference)]
    assert second.alerts.count() == 0  # İzmir's quality manager is not Ankara's


def test_the_task_runs_the_watch_now(demo: None) -> None:
    record(channel="fax", received_at=at("2026-11-02 10:00"))  # long overdue by now
    result = breach_watch_task.call()
    assert result["breached"] >= 1 and set(result) == {"warned", "breached", "alerts"}
