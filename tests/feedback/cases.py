"""Making cases for tests through the real intake service."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from memnun.accounts.models import User
from memnun.feedback.models import Feedback
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record

IST = ZoneInfo("Europe/Istanbul")


def at(text: str) -> datetime:
    """'2026-11-20 17:00' in Istanbul."""
    return datetime.fromisoformat(text).replace(tzinfo=IST)


def record(
    *, channel: str = "fax", received_at: datetime | None = None, office: str = "istanbul",
    type: str = "complaint", customer: CustomerInput | None = None, actor: str = "agent",
    **extra: Any,
) -> Feedback:
    data = IntakeInput(
        type=type,
        channel=channel,
        office=office,
        subject="Ekran değişimi gecikti",
        description="Telefonum üç haftadır serviste.",
        customer=customer or CustomerInput(name="Işıl Öztürk", email="isil@example.com"),
        privacy_notice=True,
        received_at=received_at,
        **extra,
    )
    user = User.objects.get(username=actor) if actor else None
    return feedback_record(data=data, actor=user).feedback
