"""The demo's data protection (`load_demo`, through `organisation.signals.demo_loaded`): the
e-mail, SMS and hosting providers an installation like the demo would use, and one open
data subject's request nearing its due date."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.dataprotection.models import (
    Processor,
    ProcessorService,
    SubjectRequest,
    SubjectRight,
    TransferBasis,
)
from memnun.dataprotection.services.subject_requests import request_record

DEMO_REQUEST_EMAIL = "isil.ozturk@example.com"

DEMO_PROCESSORS = [
    {"name": "Posta Servisi A.Ş. (demo)", "service": ProcessorService.EMAIL, "country": "TR",
     "transfer_basis": TransferBasis.NONE, "contract_date": date(2026, 1, 15),
     "purpose": "Sends the e-mails to customers and staff."},
    {"name": "İleti SMS Ltd. (demo)", "service": ProcessorService.SMS, "country": "TR",
     "transfer_basis": TransferBasis.NONE, "contract_date": date(2026, 2, 1),
     "purpose": "Sends the text messages to customers."},
    {"name": "EuroCloud GmbH (demo)", "service": ProcessorService.HOSTING, "country": "DE",
     "region": "eu-central (Frankfurt)", "transfer_basis": TransferBasis.STANDARD_CONTRACT,
     "contract_date": date(2026, 3, 2), "notified_on": date(2026, 3, 6),
     "purpose": "Hosts the application servers, the database and its backups."},
]


def demo_processors_load() -> int:
    """Add the demo processors not there yet; returns how many were added."""
    added = 0
    for row in DEMO_PROCESSORS:
        _, created = Processor.objects.get_or_create(name=row["name"], defaults=row)
        added += created
    return added


def demo_subject_request_load() -> int:
    """One open access request received 25 days ago (its answer due in five days), made
    through the register's service by the demo personal-data contact; once."""
    if SubjectRequest.objects.filter(subject_email=DEMO_REQUEST_EMAIL).exists():
        return 0
    privacy = User.objects.filter(role=Role.PRIVACY, is_active=True).order_by("id").first()
    if privacy is None:
        return 0
    now = timezone.now()
    request_record(
        actor=privacy, right=SubjectRight.ACCESS, email=DEMO_REQUEST_EMAIL,
        phone="+905321234567",
        identity_check="Islak imzalı dilekçe ve T.C. kimlik kartının fotokopisi, ön büroda "
                       "kimlik kartının aslıyla karşılaştırıldı.",
        received_at=now - timedelta(days=25), now=now,
    )
    return 1
