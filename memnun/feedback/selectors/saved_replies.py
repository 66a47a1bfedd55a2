"""Saved replies: which ones a member of staff manages, and which a case's picker offers.

Scope, as for the other office-bound registers: a reviewer reads their own office's
replies and the every-office ones, and changes only their own office's; quality changes
every one (`Action.MANAGE_SAVED_REPLIES`). A case's picker offers the active replies of
the case's office and the every-office ones, whoever looks.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, role_actions, sees_every_office
from memnun.feedback.saved_reply_models import SavedReply
from memnun.organisation.models import Office


def saved_replies_visible_to(user: User) -> QuerySet[SavedReply]:
    """The replies the management pages list for the user (active or not)."""
    qs = SavedReply.objects.select_related("office", "created_by")
    if Action.MANAGE_SAVED_REPLIES not in role_actions(user):
        return qs.none()
    if sees_every_office(user):
        return qs
    if user.office_id is None:  # an office-bound role without an office: none
        return qs.none()
    return qs.filter(Q(office_id=user.office_id) | Q(office__isnull=True))


def saved_reply_may_change(user: User, reply: SavedReply) -> bool:
    """Whether the user may edit or deactivate this reply (the every-office ones: quality)."""
    if Action.MANAGE_SAVED_REPLIES not in role_actions(user):
        return False
    if sees_every_office(user):
        return True
    return user.office_id is not None and reply.office_id == user.office_id


def saved_reply_offices_for(user: User) -> list[tuple[str, str]] | None:
    """The offices (code, name) the user may give a reply; None: every office too."""
    if sees_every_office(user):
        return None
    if user.office_id is None:
        return []
    return list(Office.objects.filter(pk=user.office_id).values_list("code", "name"))


def saved_reply_for_user(*, user: User, pk: int) -> SavedReply:
    reply = saved_replies_visible_to(user).filter(pk=pk).first()
    if reply is None:
        raise NotFound(_("No such saved reply."))
    return reply


def saved_replies_for_case(*, feedback: Feedback) -> list[SavedReply]:
    """The active replies a case's message form offers: its office's and every office's."""
    return list(
        SavedReply.objects.filter(active=True)
        .filter(Q(office_id=feedback.office_id) | Q(office__isnull=True))
        .order_by("title", "id")
    )
