"""A compiled query asks what its ORM query asks, for any values; a build that would
freeze a value is refused when it is compiled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.forms.models import model_to_dict
from django.utils import timezone

from memnun.compiledsql import CompiledExists, CompiledQuery, update_query
from memnun.notifications.models import MessageStatus, OutboundMessage

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _message(key: str, *, kind: str = "ack", attempts: int = 0, at: datetime = AT) -> None:
    OutboundMessage.objects.create(
        channel="email", kind=kind, recipient=f"{key}@example.com", language="tr",
        subject="S", text="T", message_id=f"<{key}@memnun.local>", idempotency_key=key,
        status=MessageStatus.PENDING, attempts=attempts, next_attempt_at=at, created_at=at,
    )


def _rows(compiled: CompiledQuery, *values: Any) -> list[tuple[Any, ...]]:
    sql, params = compiled.bind(*values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _due(kind: str, attempts: int, at: datetime) -> QuerySet[OutboundMessage, tuple[str, int]]:
    return (
        OutboundMessage.objects.filter(
            kind=kind, attempts__lt=attempts, next_attempt_at__lte=at,
            status=MessageStatus.PENDING,  # a constant of the query
        )
        .order_by("idempotency_key")
        .values_list("idempotency_key", "attempts")
    )


def test_the_rows_are_the_orm_querys_for_any_values() -> None:
    for i in range(6):
        _message(f"k{i}", kind="ack" if i % 2 else "reminder", attempts=i,
                 at=AT + timedelta(hours=i))
    compiled = CompiledQuery(_due, str, int, datetime)
    cases = [("ack", 10, AT + timedelta(days=1)), ("ack", 4, AT + timedelta(hours=3)),
             ("reminder", 10, AT), ("reminder", 5, AT + timedelta(hours=4)),
             ("none", 10, AT + timedelta(days=1)), ("ack", 0, AT + timedelta(days=1))]
    for kind, attempts, at in cases:
        expected = list(_due(kind, attempts, at))
        assert _rows(compiled, kind, attempts, at) == expected, (kind, attempts, at)
    assert any(list(_due(*case)) for case in cases)  # not only empty answers compared


def _between(since: datetime, until: datetime) -> QuerySet[OutboundMessage, str]:
    return OutboundMessage.objects.filter(
        next_attempt_at__gte=since, next_attempt_at__lte=until
    ).values_list("idempotency_key", flat=True)


def test_times_are_adapted_as_the_orm_adapts_them() -> None:
    """A window finds the rows inside it and none outside, bounds given in any zone
    (SQLite stores UTC text: a bound not converted would shift the window by hours)."""
    for key, hours in (("before", -2), ("inside", 0), ("after", 2)):
        _message(key, at=AT + timedelta(hours=hours))
    compiled = CompiledQuery(_between, datetime, datetime)
    for since, until in (
        (AT - timedelta(hours=1), AT + timedelta(hours=1)),
        ((AT - timedelta(hours=1)).astimezone(ISTANBUL),
         (AT + timedelta(hours=1)).astimezone(ISTANBUL)),
        (AT, AT),  # both ends included, to the microsecond
    ):
        assert _rows(compiled, since, until) == [("inside",)]
        assert list(_between(since, until)) == ["inside"]
    assert _rows(compiled, AT + timedelta(hours=3), AT + timedelta(hours=4)) == []
    assert len(_rows(compiled, AT - timedelta(hours=3), AT + timedelta(hours=3))) == 3


@pytest.mark.parametrize(("build", "problem"), [
    pytest.param(lambda kind: OutboundMessage.objects.filter(kind="ack"),
                 "not among the query's parameters", id="value-unused"),
    pytest.param(lambda kind: OutboundMessage.objects.filter(
        kind=kind, created_at__lte=timezone.now()), "changes with the values", id="hidden-clock"),
    pytest.param(lambda kind: OutboundMessage.objects.filter(kind__startswith=kind),
                 "changes with the values", id="pattern-made-of-the-value"),
    pytest.param(lambda kind: OutboundMessage.objects.extra(where=[f"kind = '{kind}'"]),  # noqa: S610
                 "written into the SQL text", id="value-in-the-sql-text"),
])
def test_a_build_that_would_freeze_or_change_a_value_is_refused(build: Any, problem: str) -> None:
    compiled = CompiledQuery(build, str)
    with pytest.raises(ValueError, match=problem):
        compiled.bind("ack")
    assert not compiled._plans  # nothing kept: it is refused again, not run


def test_values_that_the_orm_would_read_otherwise_are_refused() -> None:
    compiled = CompiledQuery(_due, str, int, datetime)
    with pytest.raises(TypeError):
        compiled.bind(None, 1, AT)  # the ORM would ask IS NULL
    with pytest.raises(TypeError):
        compiled.bind("ack", True, AT)
    with pytest.raises(ValueError, match="aware"):
        compiled.bind("ack", 1, datetime(2026, 3, 1, 9, 30))


def _retry(key: str, status: str, attempts: int, at: datetime) -> Any:
    return update_query(
        OutboundMessage.objects.filter(idempotency_key=key),
        status=status, attempts=attempts, next_attempt_at=at, claim_token="",
    )


def test_a_compiled_update_writes_what_update_writes() -> None:
    for key in ("by-orm", "by-compiled", "untouched"):
        _message(key, attempts=3)
    later = (AT + timedelta(minutes=5)).astimezone(ISTANBUL)
    changed = OutboundMessage.objects.filter(idempotency_key="by-orm").update(
        status=MessageStatus.FAILED, attempts=7, next_attempt_at=later, claim_token=""
    )
    compiled = CompiledQuery(_retry, str, str, int, datetime)
    assert compiled.execute("by-compiled", MessageStatus.FAILED, 7, later) == changed == 1
    assert compiled.execute("no-such-key", MessageStatus.FAILED, 7, later) == 0

    def stored(key: str) -> dict[str, Any]:
        row = model_to_dict(OutboundMessage.objects.get(idempotency_key=key))
        return {k: v for k, v in row.items()
                if k not in {"id", "recipient", "message_id", "idempotency_key"}}

    assert stored("by-compiled") == stored("by-orm")
    assert stored("by-compiled")["next_attempt_at"] == later
    assert stored("untouched")["attempts"] == 3


def test_exists_asks_whether_any_query_finds_a_row() -> None:
    _message("a", kind="ack", attempts=1)
    _message("b", kind="reminder", attempts=5)

    def either(kind: str, other: str, attempts: int) -> list[QuerySet[OutboundMessage]]:
        return [OutboundMessage.objects.filter(kind=kind, attempts=attempts),
                OutboundMessage.objects.filter(kind=other, attempts__gt=attempts)]

    compiled = CompiledExists(either, str, str, int)
    for kind, other, attempts in (("ack", "x", 1), ("x", "reminder", 4), ("ack", "reminder", 5),
                                  ("x", "y", 0), ("reminder", "ack", 5)):
        expected = any(qs.exists() for qs in either(kind, other, attempts))
        assert compiled.exists(kind, other, attempts) is expected, (kind, other, attempts)


@pytest.mark.django_db(transaction=True)
def test_a_locking_read_outside_a_transaction_is_refused_as_the_orm_refuses_it() -> None:
    compiled = CompiledQuery(
        lambda kind: OutboundMessage.objects.select_for_update().filter(kind=kind), str
    )
    with transaction.atomic():
        assert compiled.fetchone("ack") is None
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            compiled.fetchone("ack")
    else:  # SQLite: there is no row lock to take, the ORM asks without one
        assert compiled.fetchone("ack") is None
