"""Objectives (R6.2): drafted by quality managers or top management, approved by top
management, retired when no longer pursued. Every change is audited.

draft → approved → retired, or draft → retired. A draft may be edited; an approved
objective may not (its trend is read against the target management approved: to
change it, retire it and draft another). Only `management` approves
(`Action.APPROVE_OBJECTIVES`), and only management retires an approved objective.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.feedback.errors import Conflict, FieldErrors, NotPermitted
from memnun.feedback.objectives_models import Direction, Objective, ObjectiveStatus, PeriodUnit
from memnun.feedback.permissions import Action, may, reports_office_scope, require
from memnun.feedback.selectors.reports.objectives import (
    objective_brands,
    objective_metrics,
    objective_offices,
    objective_owners,
)
from memnun.feedback.services.common import now_or
from memnun.organisation.models import Brand, Office

_TARGET_LIMIT = Decimal("9999999999.99")


@dataclass(frozen=True)
class ObjectiveInput:
    metric: str
    target: Decimal | str
    direction: str
    period_unit: str
    owner: str  # a staff username
    office: str | None = None  # codes; None: every office, every brand
    brand: str | None = None


@dataclass(frozen=True)
class _Checked:
    metric: str
    target: Decimal
    direction: str
    period_unit: str
    owner: User
    office: Office | None
    brand: Brand | None


def _target(value: Decimal | str) -> Decimal | None:
    try:
        target = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not target.is_finite() or abs(target) > _TARGET_LIMIT:
        return None
    return target.quantize(Decimal("0.01"))


def _check(actor: User, data: ObjectiveInput) -> _Checked:
    errors: dict[str, list[str]] = {}
    if data.metric not in {metric.code for metric in objective_metrics()}:
        errors["metric"] = [_("Choose a figure of the report catalogue.")]
    target = _target(data.target)
    if target is None:
        errors["target"] = [_("Give the target as a number.")]
    if data.direction not in Direction.values:
        errors["direction"] = [_("Choose at least or at most.")]
    if data.period_unit not in PeriodUnit.values:
        errors["period_unit"] = [_("Choose a month or a quarter.")]
    owner = objective_owners().filter(username=data.owner).first()
    if owner is None:
        errors["owner"] = [_("Choose an active member of staff.")]
    office = brand = None
    if data.office:
        # The actor must be able to read the office's figures to set its objective.
        reports_office_scope(user=actor, office=data.office)
        office = objective_offices().filter(code=data.office).first()
        if office is None:
            errors["office"] = [_("Choose an active office.")]
    if data.brand:
        brand = objective_brands().filter(code=data.brand).first()
        if brand is None:
            errors["brand"] = [_("Choose an active brand.")]
    if errors:
        raise FieldErrors(errors)
    assert target is not None and owner is not None
    return _Checked(data.metric, target, data.direction, data.period_unit, owner, office, brand)


def _require_management(actor: User, message: str) -> None:
    if not may(actor, Action.APPROVE_OBJECTIVES):
        raise NotPermitted(message)


def _audit(actor: User, action: str, objective: Objective, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor.username, action=action, object_type="objective",
        object_id=str(objective.pk), data=data,
    )


def _described(objective: Objective) -> dict[str, Any]:
    return {
        "metric": objective.metric, "target": str(objective.target),
        "direction": objective.direction, "period_unit": objective.period_unit,
        "office": objective.office.code if objective.office else None,
        "brand": objective.brand.code if objective.brand else None,
        "owner": objective.owner.username,
    }


def _lock(objective: Objective) -> Objective:
    # Only the objective's own row (`of=("self",)`): PostgreSQL locks no nullable side of
    # the outer joins to its office and brand.
    return Objective.objects.select_for_update(of=("self",)).select_related(
        "office", "brand", "owner").get(pk=objective.pk)


def _apply(objective: Objective, checked: _Checked) -> None:
    objective.metric = checked.metric
    objective.target = checked.target
    objective.direction = checked.direction
    objective.period_unit = checked.period_unit
    objective.owner = checked.owner
    objective.office = checked.office
    objective.brand = checked.brand


def objective_create(
    *, actor: User, data: ObjectiveInput, now: datetime | None = None
) -> Objective:
    """A draft objective; it is measured once management approves it."""
    require(actor, Action.MANAGE_OBJECTIVES)
    checked = _check(actor, data)
    with transaction.atomic():
        objective = Objective(created_by=actor, created_at=now_or(now))
        _apply(objective, checked)
        objective.save()
        _audit(actor, "objective.created", objective, _described(objective))
    return objective


def objective_change_check(objective: Objective) -> None:
    """Conflict unless the objective may still be changed: only a draft may (the page
    asks before it offers the form, `objective_edit` again under the row lock)."""
    if objective.status != ObjectiveStatus.DRAFT:
        raise Conflict(_("Only a draft objective can be changed: retire this one and "
                         "draft another."))


def objective_edit(
    *, actor: User, objective: Objective, data: ObjectiveInput, now: datetime | None = None
) -> Objective:
    """Change a draft (an approved objective is retired and drafted anew instead)."""
    require(actor, Action.MANAGE_OBJECTIVES)
    checked = _check(actor, data)
    with transaction.atomic():
        objective = _lock(objective)
        objective_change_check(objective)
        before = _described(objective)
        _apply(objective, checked)
        objective.save()
        after = _described(objective)
        _audit(actor, "objective.edited", objective,
               {key: value for key, value in after.items() if before[key] != value})
    return objective


def objective_approve(
    *, actor: User, objective: Objective, now: datetime | None = None
) -> Objective:
    """Top management approves a draft: from now on it is measured."""
    _require_management(actor, _("Only top management approves objectives."))
    with transaction.atomic():
        objective = _lock(objective)
        if objective.status != ObjectiveStatus.DRAFT:
            raise Conflict(_("Only a draft objective can be approved."))
        objective.status = ObjectiveStatus.APPROVED
        objective.approved_by = actor
        objective.approved_at = now_or(now)
        objective.save(update_fields=["status", "approved_by", "approved_at"])
        _audit(actor, "objective.approved", objective, _described(objective))
    return objective


def objective_retire(
    *, actor: User, objective: Objective, now: datetime | None = None
) -> Objective:
    """No longer pursued: no longer measured, kept for the record."""
    require(actor, Action.MANAGE_OBJECTIVES)
    with transaction.atomic():
        objective = _lock(objective)
        if objective.status == ObjectiveStatus.RETIRED:
            raise Conflict(_("This objective is already retired."))
        if objective.status == ObjectiveStatus.APPROVED:
            # What management approved, management retires.
            _require_management(actor, _("Only top management retires an approved objective."))
        previous = objective.status
        objective.status = ObjectiveStatus.RETIRED
        objective.retired_by = actor
        objective.retired_at = now_or(now)
        objective.save(update_fields=["status", "retired_by", "retired_at"])
        _audit(actor, "objective.retired", objective, {"was": previous})
    return objective
