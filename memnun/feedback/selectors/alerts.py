"""Which staff alerts may go out now (only in the recipient office's business hours)."""

from __future__ import annotations

from datetime import datetime

from memnun.feedback.deadline_rules import Deadlines
from memnun.feedback.models import StaffAlert
from memnun.organisation.models import Office


def alerts_deliverable(*, now: datetime) -> list[StaffAlert]:
    """Undelivered staff alerts that may go out at `now`.

    Never outside the recipient's business hours: an alert raised at night
    waits for the next opening (`deliver_after`), and one still undelivered
    at closing time waits again for the next day.
    """
    pending = (
        StaffAlert.objects.filter(delivered_at__isnull=True, deliver_after__lte=now)
        .select_related(
            "recipient__office__calendar", "feedback__office__calendar",
            "surge__office__calendar", "surge__category",
        )
        .order_by("deliver_after", "id")
    )
    deadlines = Deadlines()
    return [
        alert for alert in pending
        if deadlines.alert_may_go(recipient=alert.recipient, about=alert_about(alert), now=now)
    ]


def alert_about(alert: StaffAlert) -> Office:
    """The office an alert is about: its case's, or its surge's."""
    if alert.feedback is not None:
        return alert.feedback.office
    assert alert.surge is not None  # a constraint: a case or a surge
    return alert.surge.office

