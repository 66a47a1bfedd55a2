"""Who may see what. Defined once here; the API and the desk both ask these functions."""

from __future__ import annotations

from django.db.models import QuerySet

from memnun.accounts.models import User
from memnun.accounts.roles import OFFICE_BOUND_ROLES, Role
from memnun.feedback.models import Feedback

# Roles that give customers their acknowledgement (everyone who works cases; not the auditor).
_ACKNOWLEDGES = frozenset({Role.AGENT, Role.HANDLER, Role.REVIEWER, Role.QUALITY, Role.ADMIN})
# Roles that need the customer's contact details to do their work.
_SEES_PERSONAL_DATA = frozenset({Role.AGENT, Role.HANDLER, Role.REVIEWER, Role.QUALITY, Role.ADMIN})


def feedback_visible_to(user: User) -> QuerySet[Feedback]:
    """The feedback a member of staff may see: their office's, or every office's."""
    qs = Feedback.objects.all()
    if not user.is_active:
        return qs.none()
    if user.role in OFFICE_BOUND_ROLES and user.office_id is not None:
        qs = qs.filter(office_id=user.office_id)
    return qs


def sees_personal_data(user: User) -> bool:
    return user.is_active and user.role in _SEES_PERSONAL_DATA


def may_acknowledge(user: User) -> bool:
    return user.is_active and user.role in _ACKNOWLEDGES


def queue_office_scope(user: User) -> int | None:
    """The one office whose queue the user works, or None for every office."""
    if user.role in OFFICE_BOUND_ROLES and user.office_id is not None:
        return user.office_id
    return None
