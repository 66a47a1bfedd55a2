"""row_insert writes the same row as save(force_insert=True), with its INSERT built once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memnun.accounts.models import ApiToken, User
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Obligation
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.notifications.models import MessageStatus, OutboundMessage
from memnun.organisation.models import Office
from memnun.rowinsert import row_insert, rows_insert

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _message(key: str) -> OutboundMessage:
    return OutboundMessage(
        channel="email", kind="acknowledgement", recipient="ayse@example.com", language="tr",
        subject="Kaydınız", text="Sayın Ayşe", headers={"In-Reply-To": "<a@b>"},
        message_id=f"<{key}@memnun.local>", idempotency_key=key, status=MessageStatus.PENDING,
        next_attempt_at=AT + timedelta(hours=3), created_at=AT, redact=["ABCD-EFGH"],
    )


def _stored(message: OutboundMessage) -> dict[str, Any]:
    row = model_to_dict(OutboundMessage.objects.get(pk=message.pk))
    return {k: v for k, v in row.items() if k not in {"id", "message_id", "idempotency_key"}}


def test_the_row_read_back_is_the_one_save_writes() -> None:
    saved, inserted = _message("k-saved"), _message("k-inserted")
    saved.save(force_insert=True)
    assert row_insert(inserted) is inserted
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(inserted) == _stored(saved)
    assert OutboundMessage.objects.get(pk=inserted.pk).next_attempt_at == AT + timedelta(hours=3)


def test_json_data_and_times_round_trip() -> None:
    event = row_insert(AuditEvent(
        at=AT, actor="agent", action="feedback.created", object_type="feedback",
        object_id="26-000001-8", data={"after": {"nested": [1, "ğüşiöç", None]}},
    ))
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.at == AT and stored.data == {"after": {"nested": [1, "ğüşiöç", None]}}


def _statements_of_a_duplicate(write: Callable[[OutboundMessage], object]) -> list[str]:
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        write(_message("k-twice"))
    return [q["sql"].split()[0] for q in queries.captured_queries]


def test_one_statement_and_a_duplicate_key_refused_as_by_save() -> None:
    row_insert(_message("k-twice"))
    by_save = _statements_of_a_duplicate(lambda m: m.save(force_insert=True))
    assert _statements_of_a_duplicate(row_insert) == by_save
    assert by_save.count("INSERT") == 1
    # The savepoint rolled back: the transaction goes on.
    assert OutboundMessage.objects.filter(idempotency_key="k-twice").count() == 1


def test_a_model_with_save_receivers_is_saved_the_ordinary_way() -> None:
    heard: list[bool] = []

    def receiver(created: bool, **_: Any) -> None:
        heard.append(created)

    post_save.connect(receiver, sender=Office, dispatch_uid="test-rowinsert")
    try:
        office = row_insert(Office(code="rowinsert", name="Row insert"))
    finally:
        post_save.disconnect(sender=Office, dispatch_uid="test-rowinsert")
    assert heard == [True] and Office.objects.filter(pk=office.pk).exists()


def test_several_rows_in_one_statement_with_their_keys_in_order() -> None:
    messages = [_message(f"k-many-{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        rows_insert(messages)
    assert len(queries) == 1
    assert [OutboundMessage.objects.get(pk=m.pk).idempotency_key for m in messages] == [
        "k-many-0", "k-many-1", "k-many-2"
    ]


def test_a_row_read_back_is_never_inserted_again() -> None:
    message = row_insert(_message("k-once"))
    with pytest.raises(ValueError, match="new rows only"):
        row_insert(OutboundMessage.objects.get(pk=message.pk))


# No NUL and no lone surrogate: PostgreSQL stores neither, in text or in JSON.
_CHARACTERS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_TEXT = st.text(_CHARACTERS, max_size=40)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subject=_TEXT | _TEXT.map(gettext_lazy),  # a lazy string: prepared the ordinary way
    attempts=st.integers(0, 2**31 - 1) | st.booleans(),  # a bool: as save() turns it
    sent_at=st.none() | st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    headers=st.dictionaries(
        st.text(_CHARACTERS, max_size=5), st.integers() | st.text(_CHARACTERS, max_size=5)
    ),
)
def test_any_values_are_stored_as_save_stores_them(
    subject: Any, attempts: Any, sent_at: datetime | None, headers: dict[str, Any]
) -> None:
    pair = []
    for write, key in ((lambda m: m.save(force_insert=True), "saved"), (row_insert, "inserted")):
        message = _message(f"k-any-{key}-{len(pair)}-{OutboundMessage.objects.count()}")
        message.subject, message.attempts, message.sent_at = subject, attempts, sent_at
        message.headers = headers
        write(message)
        pair.append(_stored(message))
    assert pair[0] == pair[1]
    assert pair[1]["subject"] == str(subject) and pair[1]["attempts"] == int(attempts)


def test_a_related_row_is_stored_by_its_key_as_save_stores_it(demo: None) -> None:
    feedback = feedback_record(data=IntakeInput(
        type="complaint", channel="web", office="istanbul", subject="Ekran",
        description="Üç haftadır serviste.",
        customer=CustomerInput(name="Işıl Öztürk", email="isil@example.com"),
        privacy_notice=True,
    ), actor=None).feedback
    rows = []
    for write in (lambda o: o.save(force_insert=True), row_insert):
        Obligation.objects.filter(feedback=feedback, kind="resolution").delete()  # one per kind
        obligation = Obligation(
            feedback=feedback, kind="resolution", target_key="resolution:complaint",
            started_at=AT, due_at=AT + timedelta(days=1), warn_at=AT, escalation_level=2,
        )
        write(obligation)
        row = model_to_dict(Obligation.objects.get(pk=obligation.pk))
        rows.append({k: v for k, v in row.items() if k != "id"})
    assert rows[0] == rows[1] and rows[1]["feedback"] == feedback.pk


def test_a_time_filled_on_insert_is_filled(demo: None) -> None:
    before = timezone.now()
    token = row_insert(ApiToken(
        user=User.objects.get(username="agent"), key_hash="rowinsert-digest", expires_at=AT
    ))
    stored = ApiToken.objects.get(pk=token.pk)
    assert before <= stored.created_at <= timezone.now() and stored.created_at == token.created_at
    assert stored.expires_at == AT
