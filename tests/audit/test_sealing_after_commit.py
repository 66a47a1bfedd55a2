"""PostgreSQL seals a transaction's events just after it commits, reading the waiting
events from that transaction's first one on (not from the start of the index, where
every event sealed since the last vacuum still has an entry); an older one left waiting
by a process that died is the backstop's."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from memnun.audit.chain import audit_record, audit_seal_pending, audit_verify
from memnun.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals inside the change's transaction")


def _record(object_id: str) -> AuditEvent:
    return audit_record(actor="agent", action="test.changed", object_type="thing",
                        object_id=object_id, data={"n": object_id})


def test_a_commit_seals_its_events_and_leaves_an_older_orphan_to_the_backstop() -> None:
    # As a process that died between its commit and its sealing leaves an event.
    orphan, = AuditEvent.objects.bulk_create([AuditEvent(
        at=timezone.now(), actor="agent", action="test.left", object_type="thing",
        object_id="orphan", data={},
    )])
    with transaction.atomic():
        first, second = _record("1"), _record("2")
    sealed = dict(AuditEvent.objects.values_list("id", "seq"))
    assert sealed[first.id] == 1 and sealed[second.id] == 2
    assert sealed[orphan.id] is None
    assert audit_seal_pending() == 1
    report = audit_verify()
    assert report.ok and report.checked == 3, report.summary


def test_events_of_a_savepoint_rolled_back_take_their_sealing_with_them() -> None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                _record("gone")
                raise RuntimeError("the savepoint is rolled back")
        except RuntimeError:
            pass
        kept = _record("kept")
    assert list(AuditEvent.objects.values_list("object_id", "seq")) == [("kept", 1)]
    assert AuditEvent.objects.get(id=kept.id).hash is not None
    assert audit_verify().ok
