"""A member of staff's saved views (named queue filters) and their home visits.

Personal working preferences, not case work: no case changes, so no audit event.
Each user reaches only their own views: another's is NotFound (404), never a 403
that would tell it exists. The filters are checked by the one filter reader
(`selectors/work_filters.py`) and kept in its canonical form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.desk_models import VIEW_NAME_MAX, VIEW_QUERY_MAX, HomeLook, SavedView
from memnun.feedback.errors import FieldErrors, NotFound
from memnun.feedback.permissions import Action, require
from memnun.feedback.selectors.work_filters import filters_query
from memnun.feedback.services.common import now_or


def _name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise FieldErrors({"name": [_("Give the view a name.")]})
    if len(text) > VIEW_NAME_MAX:
        raise FieldErrors({"name": [
            _("Keep the name to %(max)s characters.") % {"max": VIEW_NAME_MAX}
        ]})
    return text


def _taken() -> FieldErrors:
    return FieldErrors({"name": [_("You already have a view with this name.")]})


def _own(actor: User, view_id: int) -> SavedView:
    view = SavedView.objects.select_for_update().filter(pk=view_id, user=actor).first()
    if view is None:
        raise NotFound(_("No such view."))
    return view


def saved_view_create(
    *, actor: User, name: str, filters: Mapping[str, str], now: datetime | None = None,
) -> SavedView:
    """Save the queue's filters under a name of the user's own."""
    require(actor, Action.VIEW)
    text = _name(name)
    query = filters_query(filters)
    if not query:
        raise FieldErrors({"filters": [_("Choose at least one filter before saving a view.")]})
    if len(query) > VIEW_QUERY_MAX:
        raise FieldErrors({"filters": [_("These filters are too long to save.")]})
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                user=actor, name=text, query=query, created_at=now_or(now)
            )
    except IntegrityError as exc:
        raise _taken() from exc


def saved_view_rename(*, actor: User, view_id: int, name: str) -> SavedView:
    try:
        with transaction.atomic():
            view = _own(actor, view_id)  # another's view is 404 whatever the name
            view.name = _name(name)
            view.save(update_fields=["name"])
            return view
    except IntegrityError as exc:
        raise _taken() from exc


def saved_view_delete(*, actor: User, view_id: int) -> None:
    with transaction.atomic():
        _own(actor, view_id).delete()


def home_looked(*, actor: User, now: datetime | None = None) -> HomeLook:
    """The user opened their home: the visit before this one becomes "since I last looked"."""
    at = now_or(now)
    with transaction.atomic():
        # get_or_create: two tabs opening the first home at once meet the one row, not a 500.
        look, created = HomeLook.objects.select_for_update().get_or_create(
            user=actor, defaults={"previous_at": None, "current_at": at}
        )
        if not created:
            look.previous_at, look.current_at = look.current_at, at
            look.save(update_fields=["previous_at", "current_at"])
        return look
