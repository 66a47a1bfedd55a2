"""Writing to the outbox: the only writer of `OutboundMessage` rows besides the worker.

`message_queue` stores a rendered message in the caller's transaction and makes
sure a delivery run will pick it up right after the commit (see the package
docstring for why a run is woken this way).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from memnun.audit.chain import audit_record
from memnun.compiledsql import CompiledQuery
from memnun.notifications.models import MessageChannel, MessageStatus, OutboundMessage
from memnun.rowinsert import row_insert

logger = logging.getLogger("memnun.notifications")


def mail_domain() -> str:
    """The domain of our Message-IDs: the one we send from."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2].strip().lower()
    return domain or "memnun.local"


def message_id_for(key: str) -> str:
    """A stable, unguessable Message-ID for a key: a keyed hash, so that an outsider who
    knows a reference number cannot forge a reply that threads into its case."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"memnun-message:{key}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    return f"<m.{digest}@{mail_domain()}>"


def thread_root_id(thread_key: str) -> str:
    """The Message-ID every message of a thread refers to (the first message carries it)."""
    return message_id_for(f"thread:{thread_key}")


def reply_address(thread_key: str) -> str:
    """`MEMNUN_REPLY_TO` plus-addressed with the thread key (box+26-000042-7@domain)."""
    address = settings.MEMNUN_REPLY_TO
    if not address or not thread_key:
        return address
    local, at, domain = address.rpartition("@")
    return f"{local}+{thread_key}{at}{domain}" if at else address


def _check_callback(path: str) -> None:
    if not path:
        return
    task = import_string(path)
    if not isinstance(task, Task):
        raise TypeError(f"callback {path} is not a django-tasks Task")


def message_queue(
    *,
    channel: str,
    kind: str,
    recipient: str,
    language: str,
    subject: str,
    text: str,
    idempotency_key: str,
    html: str = "",
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
    thread_key: str = "",
    message_id: str = "",
    source_type: str = "",
    source_id: str = "",
    callback_task: str = "",
    redact: Iterable[str] = (),
    not_before: datetime | None = None,
    fresh: bool = False,
) -> OutboundMessage:
    """Queue one message, once per `idempotency_key`; return the (possibly existing) row.

    Runs in the caller's transaction, so the message exists only if the change
    that caused it commits. `callback_task` (a task path) is enqueued with
    `message_id`, `outcome` ("sent" or "dead") and `at` once the message's fate is
    known: that is how a sender that may not be imported here learns of it.
    `fresh`: the caller knows no row has this key yet (its source was created in this
    transaction), so the look before inserting is skipped; the unique key still guards.
    """
    if channel not in MessageChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient.strip():
        raise ValueError("a message needs a recipient")
    _check_callback(callback_task)
    now = timezone.now()
    row = OutboundMessage(
        channel=channel,
        kind=kind,
        recipient=recipient.strip(),
        language=language,
        subject=" ".join(subject.split())[:255],
        text=text,
        html=html,
        reply_to=reply_to,
        headers=dict(headers or {}),
        thread_key=thread_key,
        message_id=message_id or message_id_for(idempotency_key),
        idempotency_key=idempotency_key,
        status=MessageStatus.PENDING,
        next_attempt_at=max(now, not_before) if not_before else now,
        created_at=now,
        source_type=source_type,
        source_id=source_id,
        callback_task=callback_task,
        redact=[value for value in redact if value],
    )
    with transaction.atomic():
        if not fresh:
            existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                row_insert(row)
        except IntegrityError:
            existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return existing
        delivery_wake(at=row.next_attempt_at)
    return row


def delivery_wake(*, at: datetime | None = None) -> None:
    """Make sure a delivery run starts at `at` (now by default), after this transaction.

    A waiting run that is already due will do if this transaction can hold it
    until it commits (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so the worker cannot
    claim it and drain before our message is visible). SQLite serialises writers,
    so the run cannot start before our commit there either. Otherwise enqueue one.
    """
    from memnun.notifications.tasks import deliver_pending

    now = timezone.now()
    at = at or now
    with transaction.atomic():  # a savepoint in the caller's; the lock lasts until its commit
        _wake(deliver_pending, now=now, at=at)


def _waiting(task_path: str, at: datetime) -> QuerySet[DBTaskResult[Any, Any], tuple[UUID]]:
    """A ready run of `task_path` due by `at`, first in the queue's order (the model's
    ordering), held until this transaction ends where the database can skip what others
    hold: `DBTaskResult.objects.ready()` with `at` for now (a run enqueued with no time
    is stored at `get_date_max()`)."""
    return (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(status=TaskResultStatus.READY, task_path=task_path)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lte=at))
        .values_list("id")[:1]
    )


# Asked on every queued message, so it is compiled once per process: building it with
# the ORM each time cost more CPU than the database's answer (issue 14).
_WAITING = CompiledQuery(_waiting, str, datetime)


def _wake(deliver_pending: Task[Any, Any], *, now: datetime, at: datetime) -> None:
    if _WAITING.fetchone(deliver_pending.module_path, at) is not None:
        return
    if at > now:
        deliver_pending.using(run_after=at).enqueue()
    else:
        deliver_pending.enqueue()


def message_thread_under(*, idempotency_key: str, parent_message_id: str) -> bool:
    """Make a queued message a reply to `parent_message_id` (the customer's own mail).

    Only while it waits to be sent; returns whether it was changed.
    """
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(idempotency_key=idempotency_key, status=MessageStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        headers = dict(message.headers or {})
        references = [parent_message_id, *headers.get("References", "").split()]
        headers["In-Reply-To"] = parent_message_id
        headers["References"] = " ".join(dict.fromkeys(references))
        message.headers = headers
        message.save(update_fields=["headers"])
    return True


def message_retry(*, message: OutboundMessage, actor: str) -> bool:
    """Send a dead (or failing) message again now, with a fresh set of attempts."""
    with transaction.atomic():
        changed = OutboundMessage.objects.filter(
            pk=message.pk, status__in=[MessageStatus.DEAD, MessageStatus.FAILED]
        ).update(
            status=MessageStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claim_token="",
            lease_until=None,
        )
        if not changed:
            return False
        audit_record(
            actor=actor,
            action="notifications.message_retried",
            object_type="outbound_message",
            object_id=str(message.pk),
            data={"before": {"status": message.status, "attempts": message.attempts},
                  "after": {"status": MessageStatus.PENDING, "attempts": 0},
                  "thread_key": message.thread_key, "kind": message.kind},
        )
        delivery_wake()
    return True
