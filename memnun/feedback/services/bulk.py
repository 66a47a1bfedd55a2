"""Bulk actions on a selection of cases: the single action's service, once per case.

A bulk action adds no rule of its own. It checks the input once (a selection, a
known action, every case visible to the user, the role allowed the action at all),
then calls the same service the case page calls, one case at a time. Each call is
its own transaction (the services open it), so a case the rules refuse leaves the
others done; its refusal is kept with the service's own words and reported. The
audit events are the services' own: one per case, as if done one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback import moves
from memnun.feedback.errors import DomainError, FieldErrors, NotFound
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import (
    Action,
    feedback_for_user,
    feedback_visible_to,
    may,
    require,
)
from memnun.feedback.references import reference_parse
from memnun.feedback.services.assessment import AssessmentInput, assessment_check, feedback_assess
from memnun.feedback.services.assignment import feedback_assign
from memnun.feedback.services.common import now_or
from memnun.feedback.services.merging import feedback_merge
from memnun.feedback.services.notes import note_add

# One page of the queue is 50 rows; a selection never needs more than a few pages.
BULK_LIMIT = 200


class BulkAction(StrEnum):
    ASSIGN = "assign"
    CATEGORY = "category"
    NOTE = "note"
    MERGE = "merge"


# The matrix action each bulk action needs: the single action's own.
PERMITS: dict[BulkAction, Action] = {
    BulkAction.ASSIGN: Action.ASSIGN,
    BulkAction.CATEGORY: Action.ASSESS,
    BulkAction.NOTE: Action.ADD_NOTE,
    BulkAction.MERGE: moves.MERGE.action,
}


def bulk_actions_for(user: User) -> list[BulkAction]:
    """The bulk actions the user's role may take on some case (the desk offers these)."""
    return [a for a in BulkAction if may(user, PERMITS[a])]


@dataclass(frozen=True)
class BulkInput:
    action: str
    references: list[str]
    assignee: str = ""  # a username; empty: the round robin, as on the case page
    category: str = ""
    body: str = ""
    survivor: str = ""


@dataclass(frozen=True)
class Refusal:
    reference: str
    reason: str


@dataclass
class BulkResult:
    action: BulkAction
    done: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    survivor: str = ""


def _reason(exc: DomainError) -> str:
    """The refusal as the single action shows it: the message, or its field messages."""
    if isinstance(exc, FieldErrors) and exc.fields:
        return " ".join(m for messages in exc.fields.values() for m in messages)
    return exc.detail


def _selection(user: User, references: list[str]) -> list[Feedback]:
    """The selected cases in the order given, each once; FieldErrors unless all are visible."""
    if not references:
        raise FieldErrors({"references": [_("Select at least one case.")]})
    canonical: list[str] = []
    for raw in references:
        ref = reference_parse(raw)
        if ref is None:
            raise FieldErrors({"references": [_("“%(ref)s” is not a reference number.")
                                              % {"ref": raw[:40]}]})
        if ref not in canonical:
            canonical.append(ref)
    if len(canonical) > BULK_LIMIT:
        raise FieldErrors({"references": [
            _("Select at most %(limit)s cases at a time.") % {"limit": BULK_LIMIT}
        ]})
    found = {
        f.reference: f
        for f in feedback_visible_to(user).select_related("office").filter(
            reference__in=canonical
        )
    }
    missing = [ref for ref in canonical if ref not in found]
    if missing:
        # Not visible and not there look the same, as on the case page (404).
        raise FieldErrors({"references": [
            _("No such feedback: %(refs)s. Nothing was changed.") % {"refs": ", ".join(missing)}
        ]})
    return [found[ref] for ref in canonical]


def _recategorise(actor: User, feedback: Feedback, category: str, at: datetime) -> None:
    """Only the category changes: the rest of the case's assessment is kept as it is now
    (read again just before the service, not as it was when the selection was read)."""
    feedback.refresh_from_db(fields=["severity", "safety_hazard", "immediate_action"])
    feedback_assess(
        actor=actor, feedback=feedback, now=at, data=AssessmentInput(
            severity=feedback.severity, safety_hazard=feedback.safety_hazard,
            immediate_action=feedback.immediate_action, category=category,
        ),
    )


def _runner(actor: User, data: BulkInput, at: datetime) -> tuple[
    Callable[[Feedback], object], Feedback | None
]:
    """The single action's service call for one case, with the input checked once first."""
    action = BulkAction(data.action)
    if action is BulkAction.ASSIGN:
        return (lambda f: feedback_assign(
            actor=actor, feedback=f, assignee=data.assignee or None,
            automatic=not data.assignee, now=at,
        )), None
    if action is BulkAction.CATEGORY:
        if not data.category:
            raise FieldErrors({"category": [_("Choose a category.")]})
        # The category rule (known, active) is the assessment's own; a placeholder
        # severity lets it be checked once before any case is touched.
        assessment_check(AssessmentInput(severity="low", safety_hazard=False,
                                          category=data.category))
        return (lambda f: _recategorise(actor, f, data.category, at)), None
    if action is BulkAction.NOTE:
        if not data.body.strip():
            raise FieldErrors({"body": [_("Write the note.")]})
        return (lambda f: note_add(actor=actor, feedback=f, body=data.body, now=at)), None
    if not data.survivor.strip():
        raise FieldErrors({"survivor": [_("Give the reference of the case that carries on.")]})
    try:
        survivor = feedback_for_user(user=actor, reference=data.survivor).feedback
    except NotFound:
        raise FieldErrors({"survivor": [_("No such feedback.")]}) from None
    return (lambda f: feedback_merge(actor=actor, duplicate=f, into=survivor, now=at)), survivor


def feedback_bulk(
    *, actor: User, data: BulkInput, now: datetime | None = None
) -> BulkResult:
    """Run one action on each selected case through its own service.

    FieldErrors (nothing changed) for bad input; NotPermitted (nothing changed) when the
    role may not take the action on any case. Otherwise the result lists what was done
    and what was refused, with why.
    """
    try:
        action = BulkAction(data.action)
    except ValueError:
        raise FieldErrors({"action": [_("Choose an action.")]}) from None
    require(actor, PERMITS[action])
    cases = _selection(actor, data.references)
    at = now_or(now)
    run, survivor = _runner(actor, data, at)
    if survivor is not None and all(case.pk == survivor.pk for case in cases):
        raise FieldErrors({"references": [
            _("Select the duplicates as well as the case that carries on.")
        ]})
    result = BulkResult(action=action, survivor=survivor.reference if survivor else "")
    for case in cases:
        if survivor is not None and case.pk == survivor.pk:
            continue  # the case that carries on is not merged into itself
        try:
            run(case)
        except DomainError as exc:
            result.refused.append(Refusal(case.reference, _reason(exc)))
        else:
            result.done.append(case.reference)
    return result
