"""The promises each feedback carries, computed by the service levels on its office's calendar."""

from __future__ import annotations

from datetime import datetime

from memnun.organisation.models import Office


def acknowledgement_due(*, channel: str, office: Office, received_at: datetime) -> datetime:
    from memnun.servicelevels.deadlines import acknowledgement_deadline

    return acknowledgement_deadline(
        channel=channel, calendar=office.code, received_at=received_at
    )
