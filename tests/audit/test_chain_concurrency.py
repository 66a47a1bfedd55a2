"""Concurrent writers never break the audit chain (issue 14: chaining after commit).

Each writer commits its own changes; on PostgreSQL their events are sealed after
each commit by whichever writer takes the chain's head first, so this is the
test that sealing in commit order leaves no gap and no fork.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from memnun.audit.chain import audit_record, audit_verify
from memnun.audit.models import AuditEvent

WRITERS = 8
CHANGES = 25


def _writer(n: int, start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait()
        for i in range(CHANGES):
            with transaction.atomic():
                # Two events per change, as an intake writes several.
                for part in ("a", "b"):
                    audit_record(actor=f"w{n}", action="test.changed", object_type="thing",
                                 object_id=f"{n}-{i}-{part}", data={"i": i})
    except BaseException as error:
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_unbroken_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time and seals inside it; "
                    "the concurrency that matters is PostgreSQL's")
    start, errors = threading.Barrier(WRITERS), []
    threads = [threading.Thread(target=_writer, args=(n, start, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    total = WRITERS * CHANGES * 2
    assert not AuditEvent.objects.filter(hash__isnull=True).exists()  # sealed after each commit
    seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))  # no gap, no seq given twice
    hashes = list(AuditEvent.objects.order_by("seq").values_list("prev_hash", "hash"))
    assert len({prev for prev, _ in hashes}) == total  # no fork: each link followed once
    report = audit_verify()
    assert report.ok and report.checked == total
