"""Building breaches and the cases they touch for the tests, through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from memnun.dataprotection.models import Breach
from memnun.dataprotection.services.breaches import breach_record
from memnun.feedback.models import Feedback
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from tests.casework import user

IST = ZoneInfo("Europe/Istanbul")


def feedback_at(
    received_at: datetime, *, office: str = "istanbul", name: str = "Işıl Öztürk",
    email: str = "", phone: str = "", language: str = "tr",
) -> Feedback:
    """A phone complaint received at `received_at` (recorded by quality, any office)."""
    contact = "email" if email else "phone"
    return feedback_record(
        actor=user("quality"),
        data=IntakeInput(
            type="complaint", channel="phone", office=office, subject="Ekran değişimi gecikti",
            description="Telefonum üç haftadır serviste.", privacy_notice=True,
            received_at=received_at,
            customer=CustomerInput(name=name, email=email, phone=phone,
                                   preferred_contact=contact, language=language),
        ),
    ).feedback


def breach(
    *, aware_at: datetime, offices: tuple[str, ...] = ("istanbul",),
    window: tuple[datetime, datetime] | None = None, **overrides: Any,
) -> Breach:
    window_from, window_to = window or (aware_at - timedelta(days=7), aware_at)
    fields: dict[str, Any] = {
        "title": "Kayıp dizüstü bilgisayar",
        "description": "İstanbul ofisinin bir dizüstü bilgisayarı çalındı.",
        "detected_at": aware_at - timedelta(hours=2),
        "aware_at": aware_at,
        "data_categories": ["name", "phone", "email"],
        "offices": list(offices),
        "window_from": window_from,
        "window_to": window_to,
        "consequences": "Adınız ve iletişim bilgileriniz yetkisiz kişilerce görülmüş olabilir.",
        "measures": "Cihazın erişimi uzaktan kapatıldı.",
        "now": aware_at + timedelta(minutes=5),
    } | overrides
    return breach_record(actor=user("privacy"), **fields)
