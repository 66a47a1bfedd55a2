"""Delivering staff alerts (deadline at risk or missed, safety, immediate action) by e-mail.

Alerts are raised by the breach watch and the assessment; here they go out, and
only while the recipient's office is open (`alerts_deliverable`): an alert raised
at night waits for the next opening.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from memnun.feedback.models import StaffAlert
from memnun.feedback.selectors.alerts import alerts_deliverable
from memnun.feedback.services import messaging


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
            due_at = alert.obligation.due_at if alert.obligation_id and alert.obligation else None
            messaging.message_staff_alert(
                alert.recipient, alert.kind, alert.feedback, due_at=due_at, key=f"alert:{alert.pk}"
            )
            sent += 1
    return sent
