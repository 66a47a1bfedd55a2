"""The print queue: letters waiting to be printed and posted, and marking them printed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from memnun.accounts.models import User
from memnun.notifications.delivery import callback_enqueue
from memnun.notifications.models import Letter


def letters_to_print() -> QuerySet[Letter]:
    return Letter.objects.filter(printed_at__isnull=True).select_related("message")


def letter_mark_printed(
    *, letter: Letter, by: User | None = None, at: datetime | None = None
) -> bool:
    """Record that a letter was printed for posting; the sender hears it as sent then."""
    at = at or timezone.now()
    with transaction.atomic():
        if not Letter.objects.filter(pk=letter.pk, printed_at__isnull=True).update(
            printed_at=at, printed_by=by
        ):
            return False
        callback_enqueue(letter.message, "sent", at)
    letter.printed_at, letter.printed_by = at, by
    return True
