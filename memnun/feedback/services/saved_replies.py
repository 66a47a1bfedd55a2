"""Saved replies (macros): write them, and fill one for a case.

Filling is plain substitution, one pass over the reply's body: each known placeholder
({reference}, {first_name}, {due_date}, {tracking_link}) is replaced by its value and
nothing is read again, so a customer whose name is "{reference}" is not expanded, and
a body holding `{{ … }}` or `{% … %}` stays as it is written. Neither the body nor the
customer's words ever reach the template engine (docs/desk.md "Saved replies").

The values are the ones our messages to the customer use (`services/messaging.py`):
the customer's real name (the message goes to them; the desk's masking is for staff
reading the case), the resolution deadline, the signed tracking link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import FieldErrors, NotFound, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.saved_reply_models import SavedReply
from memnun.feedback.selectors.saved_replies import (
    saved_replies_for_case,
    saved_reply_may_change,
    saved_reply_offices_for,
)
from memnun.feedback.services.common import now_or
from memnun.feedback.services.messaging import resolution_due, signed_link
from memnun.feedback.services.notes import BODY_LIMIT
from memnun.notifications.rendering import language_of
from memnun.organisation.models import Office
from memnun.text import tr_lower, tr_upper

ISTANBUL = ZoneInfo("Europe/Istanbul")
TITLE_LIMIT = 120
# Anything that looks like a placeholder: a name between single braces.
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _first_name(feedback: Feedback) -> str:
    """The first word of the customer's name; one written all in capitals or all in small
    letters is given a capital initial by Turkish rules (ismail → İsmail, IŞIL → Işıl)."""
    words = feedback.customer.name.split()
    if not words:
        return ""
    word = words[0]
    if word in (tr_upper(word), tr_lower(word)):
        return tr_upper(word[0]) + tr_lower(word[1:])
    return word


def _due_date(feedback: Feedback, language: str) -> str:
    """The resolution deadline's day in Istanbul, in the customer's language; empty when
    the case owes none (closed, or a compliment)."""
    due = resolution_due(feedback)
    if due is None:
        return ""
    with translation.override(language):
        return dateformat.format(due.astimezone(ISTANBUL), "j F Y")


PLACEHOLDERS: dict[str, Callable[[Feedback, str], str]] = {
    "reference": lambda feedback, language: feedback.reference,
    "first_name": lambda feedback, language: _first_name(feedback),
    "due_date": _due_date,
    "tracking_link": lambda feedback, language: signed_link(feedback, "track"),
}


def placeholders_unknown(text: str) -> list[str]:
    """The placeholders in a text that we cannot fill, each once, in order."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def saved_reply_fill(*, reply: SavedReply, feedback: Feedback) -> str:
    """The reply's body in the customer's language with its placeholders filled."""
    language = language_of(feedback.customer.language)
    body = reply.body_en if language == "en" else reply.body_tr
    values: dict[str, str] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        if name not in values:
            values[name] = PLACEHOLDERS[name](feedback, language)
        return values[name]

    return _PLACEHOLDER.sub(value, body)


def saved_reply_for_case(*, actor: User, feedback: Feedback, reply_id: int) -> str:
    """The filled text of one of the replies the case's picker offers, for a member of
    staff who may message its customer; NotFound for any other reply."""
    require(actor, Action.MESSAGE_CUSTOMER, feedback)
    reply = next((r for r in saved_replies_for_case(feedback=feedback) if r.pk == reply_id), None)
    if reply is None:
        raise NotFound(_("No such saved reply."))
    return saved_reply_fill(reply=reply, feedback=feedback)


@dataclass(frozen=True)
class SavedReplyInput:
    title: str
    body_tr: str
    body_en: str
    office: str | None = None  # an office's code; None: every office
    active: bool = True


def _check(actor: User, data: SavedReplyInput) -> Office | None:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the reply a title.")]
    elif len(data.title) > TITLE_LIMIT:
        errors["title"] = [_("Keep the title under %(limit)s characters.") % {
            "limit": TITLE_LIMIT}]
    for field in ("body_tr", "body_en"):
        body: str = getattr(data, field)
        if not body.strip():
            errors[field] = [_("Write the text.")]
        elif len(body) > BODY_LIMIT:
            errors[field] = [_("Keep it under %(limit)s characters.") % {"limit": BODY_LIMIT}]
        elif unknown := placeholders_unknown(body):
            errors[field] = [_("Unknown placeholder: %(names)s. Use %(known)s.") % {
                "names": ", ".join("{" + name + "}" for name in unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            }]
    office = None
    allowed = saved_reply_offices_for(actor)
    if data.office:
        office = Office.objects.filter(code=data.office).first()
        if office is None:
            errors["office"] = [_("Choose an office.")]
    if "office" not in errors and allowed is not None and (
        office is None or office.code not in {code for code, _name in allowed}
    ):
        errors["office"] = [_("You may keep the saved replies of your own office only.")]
    if errors:
        raise FieldErrors(errors)
    return office


def _audit(actor: User, action: str, reply: SavedReply) -> None:
    audit_record(
        actor=actor.username, action=action, object_type="saved_reply",
        object_id=str(reply.pk),
        data={"title": reply.title, "office": reply.office.code if reply.office else None,
              "active": reply.active},
    )


def saved_reply_create(
    *, actor: User, data: SavedReplyInput, now: datetime | None = None
) -> SavedReply:
    require(actor, Action.MANAGE_SAVED_REPLIES)
    office = _check(actor, data)
    at = now_or(now)
    with transaction.atomic():
        reply = SavedReply.objects.create(
            title=data.title.strip(), body_tr=data.body_tr, body_en=data.body_en, office=office,
            active=data.active, created_by=actor, created=at, updated=at,
        )
        _audit(actor, "saved_reply.created", reply)
    return reply


def _require_change(actor: User, reply: SavedReply) -> None:
    require(actor, Action.MANAGE_SAVED_REPLIES)
    if not saved_reply_may_change(actor, reply):
        raise NotPermitted(_("You may change the saved replies of your own office only."))


def saved_reply_edit(
    *, actor: User, reply: SavedReply, data: SavedReplyInput, now: datetime | None = None
) -> SavedReply:
    _require_change(actor, reply)
    office = _check(actor, data)
    with transaction.atomic():
        reply = SavedReply.objects.select_for_update().get(pk=reply.pk)
        _require_change(actor, reply)  # as it is now, not as the form last saw it
        reply.title, reply.body_tr, reply.body_en = data.title.strip(), data.body_tr, data.body_en
        reply.office, reply.active, reply.updated = office, data.active, now_or(now)
        reply.save()
        _audit(actor, "saved_reply.changed", reply)
    return reply


def saved_reply_deactivate(
    *, actor: User, reply: SavedReply, now: datetime | None = None
) -> SavedReply:
    """No longer offered on the case page; kept, and may be made active again."""
    _require_change(actor, reply)
    with transaction.atomic():
        reply = SavedReply.objects.select_for_update().get(pk=reply.pk)
        _require_change(actor, reply)
        if reply.active:
            reply.active, reply.updated = False, now_or(now)
            reply.save(update_fields=["active", "updated"])
            _audit(actor, "saved_reply.deactivated", reply)
    return reply
