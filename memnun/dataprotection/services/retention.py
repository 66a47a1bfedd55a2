"""The retention schedule's writers (K9): a changed period and a hold's save or removal,
each audited (ids, codes and amounts; a hold's name and reason stay out of the trail)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.chain import audit_record
from memnun.dataprotection.models import RetentionHold, RetentionPeriod
from memnun.dataprotection.retention_rules import MINIMUM, RetentionCategory, Unit, period_covers
from memnun.feedback.errors import NotPermitted
from memnun.feedback.permissions import Action, may


def retention_manager(user: User) -> bool:
    """Who changes the schedule and the holds: the roles of the matrix's
    `manage_retention` (privacy, admin), and a superuser, as everywhere in the admin."""
    return user.is_active and (user.is_superuser or may(user, Action.MANAGE_RETENTION))


def _require_manager(user: User) -> None:
    if not retention_manager(user):
        raise NotPermitted(_("Your role may not change the retention schedule."))


def retention_period_problem(*, category: str, amount: int, unit: str) -> str | None:
    """Why a period may not be set (shorter than the law's minimum), or None."""
    cat = RetentionCategory(category)
    if amount < 1:
        return _("A period is at least 1.")
    if not period_covers(amount=amount, unit=unit, category=cat):
        least, least_unit = MINIMUM[cat]
        return _("%(category)s: at least %(amount)s %(unit)s.") % {
            "category": cat.label, "amount": least, "unit": Unit(least_unit).label,
        }
    return None


def retention_period_save(*, actor: User, period: RetentionPeriod) -> RetentionPeriod:
    """Store a changed period (the admin's form), with its audit event."""
    _require_manager(actor)
    problem = retention_period_problem(
        category=period.category, amount=period.amount, unit=period.unit,
    )
    if problem:
        raise ValidationError({"amount": problem})
    with transaction.atomic():
        period.changed_at = timezone.now()
        period.changed_by = actor.get_username()
        period.save()
        audit_record(
            actor=actor.get_username(), action="retention.period_changed",
            object_type="retention_period", object_id=str(period.pk),
            data={"category": period.category, "amount": period.amount, "unit": period.unit},
        )
    return period


def retention_hold_save(
    *, actor: User, hold: RetentionHold, case_ids: list[int] | None = None
) -> RetentionHold:
    """Store a hold and, when given, the cases it names; audited with the case ids."""
    _require_manager(actor)
    with transaction.atomic():
        new = hold.pk is None
        if new:
            hold.created_by = actor.get_username()
        hold.save()
        if case_ids is not None:
            hold.cases.set(case_ids)
        audit_record(
            actor=actor.get_username(),
            action="retention.hold_added" if new else "retention.hold_changed",
            object_type="retention_hold", object_id=str(hold.pk),
            data={"active": hold.active, "until": hold.until,
                  "cases": sorted(hold.cases.values_list("pk", flat=True))},
        )
    return hold


def retention_hold_remove(*, actor: User, hold: RetentionHold) -> None:
    _require_manager(actor)
    with transaction.atomic():
        pk = hold.pk
        hold.delete()
        audit_record(actor=actor.get_username(), action="retention.hold_removed",
                     object_type="retention_hold", object_id=str(pk), data={})
