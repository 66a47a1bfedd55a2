"""Compensation where the company caused the harm, recorded with its legal basis.

Each role may grant up to its limit (`MEMNUN_COMPENSATION_LIMITS`) on its own
authority; above it the compensation waits for someone else whose limit
covers the amount. Nobody approves their own proposal.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import WORKING_STATUSES, CompensationKind, CompensationStatus
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.models import Compensation, Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or
from memnun.feedback.services.involvement import ensure_not_involved

_CENT = Decimal("0.01")
_MAX = Decimal("9999999999.99")


def compensation_limit(role: str) -> Decimal | None:
    """The most a role grants alone; None for no limit. A role not listed grants nothing."""
    limits = settings.MEMNUN_COMPENSATION_LIMITS
    if role not in limits:
        return Decimal(0)
    limit = limits[role]
    return None if limit is None else Decimal(limit)


def _covers(user: User, amount: Decimal) -> bool:
    limit = compensation_limit(user.role)
    return limit is None or amount <= limit


def _check(kind: str, amount: Decimal, legal_basis: str) -> None:
    fields: dict[str, list[str]] = {}
    if kind not in CompensationKind.values:
        fields["kind"] = [_("Unknown kind of compensation.")]
    if not amount.is_finite() or amount < 0 or amount > _MAX or amount != amount.quantize(_CENT):
        fields["amount"] = [_("Give the amount in Turkish lira, with at most two decimals.")]
    if not legal_basis.strip():
        fields["legal_basis"] = [_("Record the legal basis of the compensation.")]
    if fields:
        raise FieldErrors(fields)


def compensation_propose(
    *, actor: User, feedback: Feedback, kind: str, amount: Decimal, legal_basis: str,
    now: datetime | None = None,
) -> Compensation:
    """Record compensation; approved at once within the proposer's limit, else it waits."""
    require(actor, Action.COMPENSATION_PROPOSE, feedback)
    _check(kind, amount, legal_basis)
    at = now_or(now)
    within = _covers(actor, amount)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, WORKING_STATUSES, _("Compensation is recorded while the case is worked.")
        )
        ensure_not_involved(feedback, actor)
        compensation = Compensation.objects.create(
            feedback=feedback, kind=kind, amount=amount, legal_basis=legal_basis.strip(),
            status=CompensationStatus.APPROVED if within else CompensationStatus.PROPOSED,
            proposed_by=actor, proposed_at=at, decided_at=at if within else None,
        )
        case_audit(
            actor=actor, action="compensation.proposed", feedback=feedback,
            data={"compensation_id": compensation.pk, "kind": kind, "amount": str(amount),
                  "status": compensation.status, "within_own_limit": within},
        )
    return compensation


def compensation_decide(
    *, actor: User, compensation: Compensation, approve: bool, reason: str = "",
    now: datetime | None = None,
) -> Compensation:
    """Approve or reject compensation above its proposer's limit."""
    require(actor, Action.COMPENSATION_APPROVE, compensation.feedback)
    if not _covers(actor, compensation.amount):
        raise NotPermitted(
            _("This amount is above your limit of %(limit)s TRY.")
            % {"limit": compensation_limit(actor.role)}
        )
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(compensation.feedback)
        compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
        if compensation.status != CompensationStatus.PROPOSED:
            raise Conflict(_("This compensation has already been decided."))
        if compensation.proposed_by_id == actor.pk:
            raise Conflict(_("You proposed this compensation: someone else must approve it."))
        ensure_not_involved(feedback, actor)
        compensation.status = (
            CompensationStatus.APPROVED if approve else CompensationStatus.REJECTED
        )
        if approve:
            compensation.approved_by = actor
        else:
            compensation.rejected_by = actor
        compensation.decided_at = at
        compensation.decision_reason = reason.strip()
        compensation.save(update_fields=[
            "status", "approved_by", "rejected_by", "decided_at", "decision_reason",
        ])
        case_audit(
            actor=actor,
            action="compensation.approved" if approve else "compensation.rejected",
            feedback=feedback,
            data={"compensation_id": compensation.pk, "amount": str(compensation.amount)},
        )
    return compensation
