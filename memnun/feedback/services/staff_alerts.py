"""Staff alerts about a case (deadline at risk or missed, safety, immediate action, a low
survey score) or a surge of complaints: raising one for the office's leads, and
delivering them by e-mail.

Alerts are raised by the breach watch, the assessment, the survey and the surge
watch (`services/surges.py`); here they go out, and only while the recipient's
office is open (`alerts_deliverable`): an alert raised at night waits for the
next opening. The hours rule is `Deadlines.alert_calendar`, which the overdue CAPA
actions' alerts (`capa_alerts.py`) keep to as well.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from memnun.accounts.models import User
from memnun.feedback.codes import AlertKind
from memnun.feedback.deadline_rules import Deadlines
from memnun.feedback.models import Feedback, StaffAlert
from memnun.feedback.selectors.alerts import alerts_deliverable
from memnun.feedback.selectors.staff import office_leads
from memnun.feedback.services import messaging


def leads_alert(*, feedback: Feedback, kind: AlertKind, at: datetime) -> list[User]:
    """Raise an alert for each of the case's office leads, due at their next opening hour.

    In the caller's transaction; returns the leads (the caller audits the alert).
    """
    return staff_alert(
        feedback=feedback, kind=kind, at=at,
        recipients=office_leads(office_id=feedback.office_id),
    )


def staff_alert(
    *, feedback: Feedback, kind: AlertKind, at: datetime, recipients: list[User]
) -> list[User]:
    """Raise an alert about the case for each recipient, due at their next opening hour."""
    deadlines = Deadlines()
    StaffAlert.objects.bulk_create(
        StaffAlert(
            feedback=feedback, recipient=person, kind=kind, created_at=at,
            deliver_after=deadlines.alert_deliver_after(
                recipient=person, about=feedback.office, at=at
            ),
        )
        for person in recipients
    )
    return recipients


def staff_alerts_send(*, now: datetime) -> int:
    """Queue an e-mail for every alert deliverable at `now`; each alert is sent once."""
    sent = 0
    for alert in alerts_deliverable(now=now):
        with transaction.atomic():
            # Claim it: a second worker running the same minute finds it delivered.
            claimed = StaffAlert.objects.filter(pk=alert.pk, delivered_at__isnull=True).update(
                delivered_at=now
            )
            if not claimed:
                continue
            if alert.surge is not None:
                messaging.message_surge_alert(alert.recipient, alert.surge, key=f"alert:{alert.pk}")
                sent += 1
                continue
            assert alert.feedback is not None  # a constraint: a case or a surge
            due_at = alert.obligation.due_at if alert.obligation_id and alert.obligation else None
            messaging.message_staff_alert(
                alert.recipient, alert.kind, alert.feedback, due_at=due_at, key=f"alert:{alert.pk}"
            )
            sent += 1
    return sent
