"""Reads of the outbox for the layers above (they pass their own opaque source and thread keys)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from memnun.notifications.models import (
    BACKLOG_STATUSES,
    DUE_STATUSES,
    MessageStatus,
    OutboundMessage,
)


def messages_for_source(*, source_type: str, source_id: str) -> QuerySet[OutboundMessage]:
    """Every message queued for a source (a case), oldest first, with its delivery state."""
    return OutboundMessage.objects.filter(source_type=source_type, source_id=source_id).order_by(
        "created_at", "id"
    )


def message_get(*, message_id: int) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(pk=message_id).first()


def thread_key_for_message_ids(message_ids: Iterable[str]) -> str | None:
    """The thread of the first of our messages among `message_ids` (a reply's In-Reply-To
    and References), or None when none of them is ours."""
    wanted = [m.strip() for m in message_ids if m.strip()][:50]
    if not wanted:
        return None
    found = dict(
        OutboundMessage.objects.filter(message_id__in=wanted)
        .exclude(thread_key="")
        .values_list("message_id", "thread_key")
    )
    for message_id in wanted:
        if message_id in found:
            return found[message_id]
    return None


def outbox_counts() -> dict[str, int]:
    """Messages of each status that is not "sent": the backlog's (pending, failed, sending)
    and the dead letters. Each count reads a partial index, not the sent rows (the due
    ones keep the claim index's own condition, which is what lets SQLite use it)."""
    messages = OutboundMessage.objects
    due = messages.filter(status__in=DUE_STATUSES)
    counts = {str(status): due.filter(status=status).count() for status in DUE_STATUSES}
    for status in (MessageStatus.SENDING, MessageStatus.DEAD):
        counts[str(status)] = messages.filter(status=status).count()
    return counts


def outbox_backlog(counts: dict[str, int]) -> int:
    """Messages not yet out, from `outbox_counts()`."""
    return sum(counts[str(status)] for status in BACKLOG_STATUSES)
