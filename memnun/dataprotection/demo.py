"""The demo's processors (`load_demo`, through `organisation.signals.demo_loaded`): the
e-mail, SMS and hosting providers an installation like the demo would use."""

from __future__ import annotations

from datetime import date

from memnun.dataprotection.models import Processor, ProcessorService, TransferBasis

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
