"""Capacity per office (ISO 10002 4.14, 6.4 `R6.4`): open cases, their median age, and the
people who can take them, trained or not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from django.db.models import Count, Q
from django.utils import timezone

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.codes import Status
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import reports_office_scope
from memnun.governance.models import trainings_valid_on
from memnun.organisation.models import Office

# The people of an office who hold its cases (quality managers serve every office).
OFFICE_HANDLING_ROLES = (Role.HANDLER, Role.REVIEWER)
_DAY = 86_400


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

    Open: every status but closed. Age: from receipt to now, in calendar days.
    Handlers: active handlers and team leads of the office; trained: with a training
    valid today (the rule the assignment applies).
    """
    scope = reports_office_scope(user=user, office=office)
    at = now or timezone.now()
    offices = Office.objects.filter(is_active=True).order_by("code")
    if scope is not None:
        offices = offices.filter(code=scope)
    office_list = list(offices)
    ages: dict[int, list[float]] = defaultdict(list)
    received = (
        Feedback.objects.filter(office__in=office_list).exclude(status=Status.CLOSED)
        .values_list("office_id", "received_at")
    )
    for office_id, received_at in received.iterator(chunk_size=5000):
        ages[office_id].append((at - received_at).total_seconds() / _DAY)
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
            office=o.code, name=o.name, open_cases=len(ages[o.pk]),
            median_age_days=round(median(ages[o.pk]), 1) if ages[o.pk] else None,
            handlers=people.get(o.pk, {}).get("handlers", 0),
            trained_handlers=people.get(o.pk, {}).get("trained", 0),
        )
        for o in office_list
    ]
