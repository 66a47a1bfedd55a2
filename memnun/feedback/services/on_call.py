"""Safety hazards reach the office's on-call person at once, at any hour.

Routine staff alerts keep to office hours (`staff_alerts.py`); a safety hazard or
a need for immediate action also goes straight to whoever is on call for the
case's office (the rota in `/admin/`, `organisation.OnCall`), by e-mail and SMS
through the outbox, queued in the caller's transaction: the worker sends it
within seconds, at 23:00 as at noon.
"""

from __future__ import annotations

import logging
from datetime import datetime

from memnun.feedback.models import Feedback
from memnun.feedback.services import messaging
from memnun.organisation.selectors import on_call_for

logger = logging.getLogger("memnun.feedback.on_call")


def on_call_alert(*, feedback: Feedback, kind: str, at: datetime) -> list[int]:
    """Queue the alert for everyone on call for the case's office at `at`; their ids."""
    people = on_call_for(office_id=feedback.office_id, at=at)
    if not people:
        # The leads still hear of it when their office opens; an operator should fix the rota.
        logger.warning("no one on call for office %s: %s waits for office hours",
                       feedback.office_id, feedback.reference)
    for person in people:
        messaging.message_on_call(person=person, kind=kind, feedback=feedback)
    return [person.pk for person in people]
