"""Reads of a member of staff's desk notifications: always their own, never anyone else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.desk_notice_models import DeskNotification
from memnun.feedback.errors import NotFound


def notices_unread_count(*, user: User) -> int:
    """The header's counter: one COUNT over the (user, read_at) index."""
    return DeskNotification.objects.filter(user=user, read_at__isnull=True).count()


def notices_of(*, user: User) -> QuerySet[DeskNotification]:
    """The user's notifications, newest first, each with its case's reference at hand."""
    return (
        DeskNotification.objects.filter(user=user)
        .select_related("feedback")
        .only("id", "kind", "created_at", "read_at", "feedback__reference", "feedback__status")
        .order_by("-created_at", "-id")
    )


def notice_of(*, user: User, notice_id: int) -> DeskNotification:
    """One of the user's notifications; NotFound for another's (404, not 403: it is not
    theirs to know it exists)."""
    found = notices_of(user=user).filter(pk=notice_id).first()
    if found is None:
        raise NotFound(_("No such notification."))
    return found
