"""The processor register's writer (K5): each save and removal audited (ids and codes)."""

from __future__ import annotations

from django.db import transaction

from memnun.audit.chain import audit_record
from memnun.dataprotection.models import Processor


def processor_save(*, actor: str, processor: Processor, changed: list[str]) -> Processor:
    """Store a processor (new or changed) with its audit event. `changed`: the field names."""
    with transaction.atomic():
        new = processor.pk is None
        processor.full_clean()
        processor.save()
        audit_record(
            actor=actor, action="processor.added" if new else "processor.changed",
            object_type="processor", object_id=str(processor.pk),
            data={"fields": sorted(changed), "service": processor.service,
                  "country": processor.country, "transfer_basis": processor.transfer_basis},
        )
    return processor


def processor_remove(*, actor: str, processor: Processor) -> None:
    with transaction.atomic():
        pk = processor.pk
        processor.delete()
        audit_record(actor=actor, action="processor.removed", object_type="processor",
                     object_id=str(pk), data={})
