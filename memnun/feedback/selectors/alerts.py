"""Which staff alerts may go out now (only in the recipient office's business hours)."""

from __future__ import annotations

from datetime import datetime

from memnun.feedback.deadline_rules import Deadlines, alert_office
from memnun.feedback.models import (
    StaffAlert,
)
from memnun.servicelevels.clock import is_open


def alerts_deliverable(*, now: datetime) -> list[StaffAlert]:
    """Undelivered staff alerts that may go out at `now`.

    Never outside the recipient's business hours: an alert raised at night
    waits for the next opening (`deliver_after`), and one still undelivered
    at closing time waits again for the next day.
    """
    pending = (
        StaffAlert.objects.filter(delivered_at__isnull=True, deliver_after__lte=now)
        .select_related("recipient__office__calendar", "feedback__office__calendar")
        .order_by("deliver_after", "id")
    )
    deadlines = Deadlines()
    return [
        alert for alert in pending
        if is_open(
            deadlines.calendar(alert_office(recipient=alert.recipient, feedback=alert.feedback)),
            now,
        )
    ]

