"""The audit trail is append-only and any tampering is found by verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from memnun.audit.chain import audit_record, audit_seal_pending, audit_verify
from memnun.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor="agent", action="test.changed", object_type="thing",
                    object_id=str(i), data={"before": {"n": i}, "after": {"n": i + 1}},
                )
            )
    # On PostgreSQL sealing follows the commit, which a test's own transaction never
    # reaches: seal as the after-commit hook or the backstop job would.
    audit_seal_pending()
    return [AuditEvent.objects.get(pk=event.pk) for event in events]


def test_an_untouched_chain_verifies() -> None:
    events = _write(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[1].prev_hash == events[0].hash
    report = audit_verify()
    assert report.ok and report.checked == 5


@pytest.mark.parametrize("waiting", [1, 2, 3, 7])
def test_few_or_many_waiting_events_are_chained_alike(waiting: int) -> None:
    """On PostgreSQL, one or two waiting events are sealed an UPDATE each and more in one
    bulk UPDATE: either way the chain links every event to the one before it."""
    _write(1)
    events = _write(waiting)
    assert [e.seq for e in events] == list(range(2, waiting + 2))
    first = AuditEvent.objects.get(seq=1)
    assert [e.prev_hash for e in events] == [first.hash] + [e.hash for e in events[:-1]]
    report = audit_verify()
    assert report.ok and report.checked == waiting + 1


def test_an_edited_row_is_reported() -> None:
    _write(5)
    AuditEvent.objects.filter(seq=3).update(data={"before": {"n": 2}, "after": {"n": 99}})
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert "altered" in report.problem


def test_a_deleted_row_is_reported() -> None:
    _write(5)
    AuditEvent.objects.filter(seq=2).delete()  # a bulk delete bypasses the model's guard
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 2
    assert "missing" in report.problem


def test_removing_the_newest_rows_is_reported() -> None:
    _write(4)
    AuditEvent.objects.filter(seq__gte=3).delete()
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 3


def test_a_recomputed_forgery_still_breaks_the_next_link() -> None:
    _write(4)
    forged = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(seq=2).update(hash="f" * 64, actor=forged.actor)
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 2


def test_events_cannot_be_changed_or_deleted_through_the_model() -> None:
    (event,) = _write(1)
    event.action = "other"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor="", action="x", object_type="y", object_id="1", data={})


def test_the_verify_command_exits_nonzero_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    _write(3)
    call_command("audit_verify")
    assert "3 events verified" in capsys.readouterr().out
    AuditEvent.objects.filter(seq=1).update(actor="someone-else")
    with pytest.raises(CommandError, match="#1"):
        call_command("audit_verify")


def test_an_event_left_unsealed_is_sealed_by_the_backstop_and_then_verifies() -> None:
    _write(2)
    # As a process that died between its commit and the sealing leaves it.
    AuditEvent.objects.bulk_create([AuditEvent(
        at=timezone.now(), actor="agent", action="test.changed", object_type="thing",
        object_id="9", data={},
    )])
    assert audit_verify().ok  # recent: still within the sealing's grace
    assert audit_seal_pending() == 1
    report = audit_verify()
    assert report.ok and report.checked == 3
    assert AuditEvent.objects.get(object_id="9").seq == 3


def test_an_event_unsealed_for_long_fails_verification() -> None:
    _write(2)
    AuditEvent.objects.bulk_create([AuditEvent(
        at=timezone.now() - timedelta(minutes=6), actor="agent", action="test.changed",
        object_type="thing", object_id="9", data={},
    )])
    report = audit_verify()
    assert not report.ok and "not sealed" in report.problem


def test_the_backstop_is_a_scheduled_job() -> None:
    from memnun.feedback import tasks  # noqa: F401 - registers the periodic jobs
    from memnun.jobs.schedule import PERIODIC

    assert PERIODIC["audit.seal"].period == timedelta(seconds=60)


def test_waiting_events_of_any_content_are_sealed_as_verify_reads_them_back() -> None:
    # The sealer reads waiting events as plain rows, not through the ORM: Turkish text,
    # nesting, numbers, nulls and times must hash as `audit verify` loads them.
    _write(1)
    data = {"after": {"subject": "İade talebi — ışık, ĞÜŞÖÇ", "amount": 1250.5, "n": [1, None],
                      "due_at": timezone.now()}, "before": None}
    with transaction.atomic():
        audit_record(actor="şule", action="test.changed", object_type="thing", object_id="ü",
                     data=data)
    AuditEvent.objects.bulk_create([AuditEvent(
        at=timezone.now().replace(microsecond=0), actor="", action="test.left",
        object_type="thing", object_id="9", data={"note": "Çağrı"},
    ) for _ in range(3)])
    audit_seal_pending()
    report = audit_verify()
    assert report.ok and report.checked == 5, report.summary
