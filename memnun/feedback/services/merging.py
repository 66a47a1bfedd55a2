"""Merging a duplicate into the case that carries on, and linking related cases.

A merge keeps both histories: the duplicate is closed (closure `merged`) with a
`duplicate` link to the surviving case; its stages, messages and files stay
where they are, readable from either case. The surviving case gets a note and
an audit event; the customer is told on the duplicate where to follow it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback import moves
from memnun.feedback.codes import Closure, LinkKind
from memnun.feedback.errors import Conflict
from memnun.feedback.models import Feedback, FeedbackLink
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit, cases_lock, note_write, now_or
from memnun.feedback.services.involvement import ensure_not_involved
from memnun.feedback.services.lifecycle import stage_enter


def _same_customer(a: Feedback, b: Feedback) -> bool:
    ca, cb = a.customer, b.customer
    return (
        ca.pk == cb.pk
        or (bool(ca.email) and ca.email == cb.email)
        or (bool(ca.phone) and ca.phone == cb.phone)
    )


def feedback_merge(
    *, actor: User, duplicate: Feedback, into: Feedback, note: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Close `duplicate` as merged into `into` (same customer, same matter)."""
    require(actor, moves.MERGE.action, duplicate)
    require(actor, moves.MERGE.action, into)
    if duplicate.pk == into.pk:
        raise Conflict(_("A case cannot be merged into itself."))
    at = now_or(now)
    with transaction.atomic():
        duplicate, into = cases_lock(duplicate, into)
        if duplicate.status not in moves.MERGE.sources:
            raise Conflict(_("This case is already closed."))
        if into.status not in moves.MERGE.sources:
            raise Conflict(_("A case cannot be merged into a closed one; reopen it first."))
        if not _same_customer(duplicate, into):
            raise Conflict(_("Only feedback from the same customer can be merged."))
        ensure_not_involved(duplicate, actor)
        ensure_not_involved(into, actor)
        change = stage_enter(feedback=duplicate, to=moves.MERGE.target, by=actor, at=at)
        duplicate.closure = Closure.MERGED
        duplicate.closed_at = at
        duplicate.save(update_fields=["closure", "closed_at"])
        FeedbackLink.objects.create(
            from_feedback=duplicate, to_feedback=into, kind=LinkKind.DUPLICATE,
            created_by=actor, created_at=at,
        )
        with translation.override(duplicate.customer.language):
            notice = _(
                "We are handling this feedback together with your feedback %(reference)s;"
                " its progress is shown there."
            ) % {"reference": into.reference}
        note_write(feedback=duplicate, author=actor, body=notice, visible_to_customer=True, at=at)
        note_write(
            feedback=into, author=actor, visible_to_customer=False, at=at,
            body=_("Feedback %(reference)s was merged into this case.")
            % {"reference": duplicate.reference},
        )
        note_write(feedback=into, author=actor, body=note, visible_to_customer=False, at=at)
        case_audit(
            actor=actor, action="feedback.merged", feedback=duplicate,
            data={"into": into.reference, "before": {"status": change["before"]},
                  "after": {"status": change["after"], "closure": Closure.MERGED.value}},
        )
        case_audit(
            actor=actor, action="feedback.merge_received", feedback=into,
            data={"duplicate": duplicate.reference},
        )
    return into


def feedback_link(
    *, actor: User, source: Feedback, target: Feedback, now: datetime | None = None
) -> FeedbackLink:
    """Mark two cases as related (the same fault seen by two customers, say)."""
    require(actor, Action.LINK, source)
    require(actor, Action.LINK, target)
    if source.pk == target.pk:
        raise Conflict(_("A case cannot be linked to itself."))
    at = now_or(now)
    with transaction.atomic():
        source, target = cases_lock(source, target)
        already = FeedbackLink.objects.filter(
            from_feedback__in=[source, target], to_feedback__in=[source, target],
            kind=LinkKind.RELATED,
        ).exists()
        if already:
            raise Conflict(_("These cases are already linked."))
        link = FeedbackLink.objects.create(
            from_feedback=source, to_feedback=target, kind=LinkKind.RELATED,
            created_by=actor, created_at=at,
        )
        case_audit(
            actor=actor, action="feedback.linked", feedback=source,
            data={"to": target.reference, "kind": LinkKind.RELATED.value},
        )
    return link
