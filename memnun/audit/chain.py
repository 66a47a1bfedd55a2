"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from memnun.audit.models import AuditChainHead, AuditEvent
from memnun.audit.signals import audit_recorded

GENESIS = "0" * 64


def _canonical(
    *, seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str,
    data: Any, prev_hash: str,
) -> bytes:
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "prev": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(**fields: Any) -> str:
    return hashlib.sha256(_canonical(**fields)).hexdigest()


def _normalise(data: dict[str, Any]) -> Any:
    # Store exactly what is hashed: JSON-native values only (dates become strings).
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit_record(
    *, actor: str, action: str, object_type: str, object_id: str, data: dict[str, Any]
) -> AuditEvent:
    """Append an event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the change's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": timezone.now(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": _normalise(data),
        "prev_hash": head.hash,
    }
    digest = _digest(**fields)
    event = AuditEvent.objects.create(hash=digest, **fields)
    head.seq, head.hash = event.seq, digest
    head.save(update_fields=["seq", "hash"])
    # In the change's transaction: what a higher floor does on it (webhooks) commits with it.
    audit_recorded.send(sender=AuditEvent, event=event)
    return event


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    object_type: str
    object_id: str
    data: dict[str, Any]


def audit_record_many(entries: Sequence[AuditEntry]) -> int:
    """Append many events under one lock of the chain head, inserted in bulk.

    For changes that touch thousands of objects at once (deadlines recomputed
    after a calendar edit): the chain is the same as with one `audit_record`
    per entry, at a fraction of the round trips. Same transaction rule.
    """
    if not entries:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the change's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    at = timezone.now()
    seq, prev = head.seq, head.hash
    events = []
    for entry in entries:
        seq += 1
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "data": _normalise(entry.data),
            "prev_hash": prev,
        }
        prev = _digest(**fields)
        events.append(AuditEvent(hash=prev, **fields))
    AuditEvent.objects.bulk_create(events, batch_size=500)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return len(events)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""

    @property
    def summary(self) -> str:
        """What `memnun audit verify` (and `memnun restore`) prints."""
        if self.ok:
            return f"Audit trail intact: {self.checked} events verified."
        return (
            f"Audit trail BROKEN at event #{self.first_broken_seq}: {self.problem} "
            f"({self.checked} events verified before it)."
        )


def audit_verify(*, batch: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first broken link."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"event #{expected_seq} is missing"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False, checked, event.seq, f"event #{event.seq} does not follow its predecessor"
            )
        recomputed = _digest(
            seq=event.seq, at=event.at, actor=event.actor, action=event.action,
            object_type=event.object_type, object_id=event.object_id, data=event.data,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(False, checked, event.seq, f"event #{event.seq} was altered")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainReport(
            False, checked, checked + 1, f"events after #{checked} were removed"
        )
    return ChainReport(True, checked)
