"""Capacity per office (ISO 10002 4.14, 6.4 `R6.4`): open cases, their median age, and the
people who can take them, trained or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports.backlog import open_age_medians
from memnun.governance.models import trainings_valid_on
from memnun.organisation.models import Office

# The people of an office who hold its cases (quality managers serve every office).
OFFICE_HANDLING_ROLES = (Role.HANDLER, Role.REVIEWER)


@dataclass(frozen=True)
class OfficeCapacity:
    office: str  # code
    name: str
    open_cases: int
    median_age_days: float | None  # None without open cases
    handlers: int
    trained_handlers: int


def capacity_by_office(
    *, user: User, office: str | None = None, now: datetime | None = None
) -> list[OfficeCapacity]:
    """One row per active office in the reader's scope (a team lead: their own office).

    Open cases and their median age (from receipt to now, in days to a tenth): the
    backlog's (`reports/backlog.py`, `open_age_medians`).
    Handlers: active handlers and team leads of the office; trained: with a training
    valid today (the rule the assignment applies).
    """
    scope = reports_office_scope(user=user, office=office)
    at = now or timezone.now()
    offices = Office.objects.filter(is_active=True).order_by("code")
    if scope is not None:
        offices = offices.filter(code=scope)
    office_list = list(offices)
    ages = open_age_medians(Feedback.objects.filter(office__in=office_list), now=at)
    trained = trainings_valid_on(timezone.localdate(at)).values("user_id")
    people = {
        row["office_id"]: row
        for row in User.objects.filter(
            is_active=True, role__in=OFFICE_HANDLING_ROLES, office__in=office_list
        ).values("office_id").annotate(
            handlers=Count("pk"), trained=Count("pk", filter=Q(pk__in=trained))
        )
    }
    return [
        OfficeCapacity(
            office=o.code, name=o.name, open_cases=ages[o.pk][0] if o.pk in ages else 0,
            median_age_days=ages[o.pk][1] if o.pk in ages else None,
            handlers=people.get(o.pk, {}).get("handlers", 0),
            trained_handlers=people.get(o.pk, {}).get("trained", 0),
        )
        for o in office_list
    ]
