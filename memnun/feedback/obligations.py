"""The promises each feedback carries, with the keys it asks the service levels for."""

from __future__ import annotations

from datetime import datetime

from memnun.organisation.models import Office
from memnun.servicelevels.deadlines import deadline_for


def acknowledgement_due(*, channel: str, office: Office, received_at: datetime) -> datetime:
    """At once for web, e-mail, phone and face to face; otherwise within 6 business hours."""
    return deadline_for(
        keys=[f"ack:{channel}"], calendar_code=office.calendar_code, start=received_at
    )
