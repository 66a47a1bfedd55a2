"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.db.models.sql.subqueries import UpdateQuery
from django.utils import timezone

from memnun.audit.models import AuditChainHead, AuditEvent
from memnun.audit.signals import audit_recorded
from memnun.compiledsql import CompiledQuery, update_query
from memnun.rowinsert import row_insert

GENESIS = "0" * 64

logger = logging.getLogger("memnun.audit")


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


# How long an event may wait unsealed before `audit verify` calls it a failure: the
# after-commit sealing takes milliseconds, the backstop job runs every minute.
UNSEALED_GRACE = timedelta(minutes=5)
_SEAL_BATCH = 500


def _seal_inline() -> bool:
    """SQLite seals inside the change's transaction: its writers take turns anyway, so
    the head's lock costs nothing there and a second write transaction would."""
    return connection.vendor != "postgresql"


class _Waiting(NamedTuple):
    """An event waiting to be sealed: what its hash covers, as the sealer reads it."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    data: Any


class _Sealed(NamedTuple):
    id: int
    seq: int
    prev_hash: str
    hash: str


def _hash(event: AuditEvent | _Waiting, *, seq: int, prev_hash: str) -> str:
    """The event's hash at `seq` after `prev_hash`: the one rule both ways of sealing
    (inline on SQLite, after commit on PostgreSQL) and `audit_verify` apply."""
    return _digest(
        seq=seq, at=event.at, actor=event.actor, action=event.action,
        object_type=event.object_type, object_id=event.object_id, data=event.data,
        prev_hash=prev_hash,
    )


def _link(event: AuditEvent, *, seq: int, prev_hash: str) -> str:
    """Put the event at `seq` after `prev_hash`, sealed (inline, SQLite); its hash."""
    event.seq, event.prev_hash = seq, prev_hash
    event.hash = _hash(event, seq=seq, prev_hash=prev_hash)
    return event.hash


def _waiting(row: tuple[Any, ...]) -> _Waiting:
    """A row of `_PENDING` as the ORM would load it: the compiled read gets the driver's
    values, and on SQLite the time comes naive (stored in UTC) and the JSON as text, as
    on PostgreSQL (Django loads jsonb as text); the hash must cover exactly what `audit
    verify` reads back."""
    event_id, at, actor, action, object_type, object_id, data = row
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if isinstance(data, str):
        data = json.loads(data)
    return _Waiting(event_id, at, actor, action, object_type, object_id, data)


def _seal_batch(since_id: int = 0) -> list[_Sealed]:
    """Chain the oldest waiting events (by id, from `since_id` on) under the head's lock;
    the caller's transaction."""
    head = _HEAD_LOCKED.fetchone()
    if head is None:  # no event was ever sealed: make the head, then lock it
        AuditChainHead.objects.get_or_create(id=1)
        head = _HEAD_LOCKED.fetchone()
        assert head is not None
    # Read after taking the lock: on PostgreSQL each statement sees what committed
    # before it, so a second sealer finds the first one's work done, never redoes it.
    pending = [_waiting(row) for row in _PENDING.fetchall(since_id)]
    if not pending:
        return []
    seq, prev = int(head[0]), str(head[1])
    sealed = []
    for event in pending:
        seq += 1
        digest = _hash(event, seq=seq, prev_hash=prev)
        sealed.append(_Sealed(event.id, seq, prev, digest))
        prev = digest
    if len(sealed) <= _SEAL_ONE_BY_ONE:
        for one in sealed:
            _EVENT_SEAL.execute(one.id, one.seq, one.prev_hash, one.hash)
    else:
        AuditEvent.objects.bulk_update(
            [AuditEvent(id=e.id, seq=e.seq, prev_hash=e.prev_hash, hash=e.hash) for e in sealed],
            ["seq", "prev_hash", "hash"],
        )
    _HEAD_SET.execute(seq, prev)
    return sealed


def _seal_all(since_id: int = 0) -> list[_Sealed]:
    """Seal every waiting event (from `since_id` on): a transaction per batch, or inside
    the caller's transaction when there is one (no savepoint: its failure is the caller's)."""
    sealed: list[_Sealed] = []
    while True:
        with transaction.atomic(savepoint=False):
            batch = _seal_batch(since_id)
        sealed += batch
        if len(batch) < _SEAL_BATCH:
            return sealed


def audit_seal_pending() -> int:
    """Seal every event that waits, in short transactions; how many were sealed.

    The backstop job `audit.seal` (for what a process left behind when it died between
    its commit and the sealing) and the report's catch-up call it: they mostly find
    nothing, so a probe of the partial index `audit_event_unsealed` comes first rather
    than the head's lock taken for nothing.
    """
    if not AuditEvent.objects.filter(hash__isnull=True).exists():
        return 0
    return len(_seal_all())


class _SealAfterCommit:
    """What a transaction that wrote events runs once it commits (PostgreSQL): seal them,
    and whatever else waits after them.

    It looks only from the transaction's first event on. Sealing updates each event, so
    the partial index of waiting events (`audit_event_unsealed`) keeps an entry for every
    event sealed since the table was last vacuumed; read from its start, every sealing
    stepped over all of them, under the head's lock (BENCHMARKS.md, tenth session). Read
    from its own first event, a sealing steps over only what was sealed since that event
    was written. An event older than that still waiting belongs to a transaction whose
    own sealing is on its way, or to a process that died before it (the backstop job,
    which reads from the start, seals it within the minute)."""

    __slots__ = ("since_id",)

    def __init__(self, since_id: int) -> None:
        self.since_id = since_id

    def __call__(self) -> None:
        # A change that wrote events has just committed: something waits, no probe needed.
        try:
            _seal_all(self.since_id)
        except DatabaseError:
            # The change is committed; its events wait for the next sealing or the backstop.
            logger.exception("audit: sealing after commit failed; the backstop job will seal")


def _written(events: list[AuditEvent]) -> None:
    """Seal what was just written: now (SQLite) or once the change commits (PostgreSQL)."""
    if _seal_inline():
        by_id = {event.id: event for event in events}
        for sealed in _seal_all():
            if sealed.id in by_id:
                mine = by_id[sealed.id]
                mine.seq, mine.prev_hash, mine.hash = sealed.seq, sealed.prev_hash, sealed.hash
        return
    # One sealing per transaction, however many events it writes: from the first one's
    # id (a transaction's later events take larger ids; events of a savepoint rolled back
    # take their sealing with them, and the next event registers a new one).
    if not any(isinstance(entry[1], _SealAfterCommit) for entry in connection.run_on_commit):
        transaction.on_commit(_SealAfterCommit(min(event.id for event in events)))


def _head() -> QuerySet[AuditChainHead, tuple[int, str]]:
    return AuditChainHead.objects.filter(id=1).values_list("seq", "hash")


def _head_locked() -> QuerySet[AuditChainHead, tuple[int, str]]:
    return _head().select_for_update()


def _pending(since_id: int) -> QuerySet[AuditEvent, tuple[Any, ...]]:
    waiting = AuditEvent.objects.filter(hash__isnull=True, id__gte=since_id).order_by("id")
    return waiting.values_list(
        "id", "at", "actor", "action", "object_type", "object_id", "data"
    )[:_SEAL_BATCH]


def _head_set(seq: int, head_hash: str) -> UpdateQuery:
    return update_query(AuditChainHead.objects.filter(id=1), seq=seq, hash=head_hash)


def _event_seal(event_id: int, seq: int, prev_hash: str, event_hash: str) -> UpdateQuery:
    return update_query(
        AuditEvent.objects.filter(id=event_id), seq=seq, prev_hash=prev_hash, hash=event_hash
    )


# Asked on every audited change: compiled once per process, as building them with the
# ORM each time cost more CPU than the database's answer (issue 14). The sealing after
# an intake's commit (PostgreSQL) mostly finds its own one event waiting, or two: an
# UPDATE each, compiled, costs less than bulk_update's CASE built anew every time.
_HEAD, _HEAD_SET = CompiledQuery(_head), CompiledQuery(_head_set, int, str)
# The sealer's two reads (PostgreSQL, after every audited commit): compiled too, and the
# waiting events read as rows, not model instances (issue 14).
_HEAD_LOCKED, _PENDING = CompiledQuery(_head_locked), CompiledQuery(_pending, int)
_EVENT_SEAL = CompiledQuery(_event_seal, int, int, str, str)
_SEAL_ONE_BY_ONE = 2


def _inline_head() -> tuple[int, str]:
    """The chain's end, for sealing inline (SQLite: the write transaction is exclusive,
    so there is no row lock to take)."""
    row = _HEAD.fetchone()
    if row is None:  # the very first event: make the row
        head, _ = AuditChainHead.objects.get_or_create(id=1)
        return head.seq, head.hash
    return int(row[0]), str(row[1])


def _inline_head_set(*, seq: int, head_hash: str) -> None:
    _HEAD_SET.execute(seq, head_hash)


def audit_record(
    *, actor: str, action: str, object_type: str, object_id: str, data: dict[str, Any]
) -> AuditEvent:
    """Append an event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the change's transaction")
    if _seal_inline():
        # SQLite: chained as it is written, under the head's lock the writer holds anyway
        # (three statements, where writing unsealed then sealing would take five).
        seq, prev_hash = _inline_head()
        event = AuditEvent(
            at=timezone.now(), actor=actor, action=action, object_type=object_type,
            object_id=object_id, data=_normalise(data),
        )
        head_hash = _link(event, seq=seq + 1, prev_hash=prev_hash)
        row_insert(event)
        _inline_head_set(seq=seq + 1, head_hash=head_hash)
    else:
        event = row_insert(AuditEvent(
            at=timezone.now(), actor=actor, action=action, object_type=object_type,
            object_id=object_id, data=_normalise(data),
        ))
        _written([event])
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
    """Append many events at once, inserted in bulk.

    For changes that touch thousands of objects at once (deadlines recomputed
    after a calendar edit): the chain is the same as with one `audit_record`
    per entry, at a fraction of the round trips. Same transaction rule.
    """
    if not entries:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the change's transaction")
    at = timezone.now()
    events = AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=at, actor=entry.actor, action=entry.action, object_type=entry.object_type,
                object_id=entry.object_id, data=_normalise(entry.data),
            )
            for entry in entries
        ],
        batch_size=500,
    )
    _written(events)
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
    """Walk the sealed chain in order and report the first broken link, then any event
    left unsealed for longer than UNSEALED_GRACE (its sealing was lost)."""
    # The head first: events sealed while the walk runs are past it and left for next time.
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq = head.seq if head is not None else 0
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    sealed = AuditEvent.objects.filter(seq__isnull=False, seq__lte=head_seq)
    for event in sealed.order_by("seq").iterator(chunk_size=batch):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"event #{expected_seq} is missing"
            )
        if event.prev_hash != expected_prev:
            return ChainReport(
                False, checked, event.seq, f"event #{event.seq} does not follow its predecessor"
            )
        assert event.prev_hash is not None
        recomputed = _hash(event, seq=event.seq, prev_hash=event.prev_hash)
        if recomputed != event.hash:
            return ChainReport(False, checked, event.seq, f"event #{event.seq} was altered")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainReport(
            False, checked, checked + 1, f"events after #{checked} were removed"
        )
    stale = AuditEvent.objects.filter(
        hash__isnull=True, at__lt=timezone.now() - UNSEALED_GRACE
    ).count()
    if stale:
        return ChainReport(
            False, checked, checked + 1,
            f"{stale} events older than {int(UNSEALED_GRACE.total_seconds() // 60)} minutes"
            " are not sealed",
        )
    return ChainReport(True, checked)
