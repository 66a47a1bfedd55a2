"""Reads of the retention schedule (K9): the period of each category, the operators' holds,
and what has expired as of a given moment.

The rules: a case expires when it is closed and its closure lies a whole retention period
(category `case`) before `now`; a case still being handled never expires (a reopened case
is open again); a case named by an active hold is kept, and the hold is named as the
reason. `case_kept_by_hold` is the one answer to "does an operator's rule keep this case",
for the destruction job and for an erasure request alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.dataprotection.models import DestructionRun, RetentionHold, RetentionPeriod
from memnun.dataprotection.retention_rules import (
    DEFAULTS,
    RetentionCategory,
    Unit,
    period_start,
)
from memnun.feedback.codes import Status
from memnun.feedback.errors import NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, role_actions


@dataclass(frozen=True)
class Period:
    category: RetentionCategory
    amount: int
    unit: str
    note: str = ""

    def start(self, now: datetime) -> datetime:
        """Data whose period began at or before this moment has expired at `now`."""
        return period_start(now=now, amount=self.amount, unit=self.unit)

    @property
    def label(self) -> str:
        return str(self.category.label)

    @property
    def text(self) -> str:
        """"10 years after the case's closure", in the active language."""
        return _("%(amount)s %(unit)s after %(start)s") % {
            "amount": self.amount, "unit": Unit(self.unit).label,
            "start": DEFAULTS[self.category].starts,
        }


def retention_schedule() -> dict[RetentionCategory, Period]:
    """Every category's period: the operator's row, or the documented default where the
    row is missing (a database emptied by hand keeps the defaults, never "forever")."""
    rows = {r.category: r for r in RetentionPeriod.objects.all()}
    schedule: dict[RetentionCategory, Period] = {}
    for category, default in DEFAULTS.items():
        row = rows.get(category.value)
        schedule[category] = (
            Period(category, row.amount, row.unit, row.note) if row is not None
            else Period(category, default.amount, default.unit)
        )
    return schedule


def holds_active(*, now: datetime) -> QuerySet[RetentionHold]:
    """The holds in force at `now`: active, and `until` not passed (Istanbul's date)."""
    today = timezone.localdate(now)
    return RetentionHold.objects.filter(active=True).filter(
        Q(until__isnull=True) | Q(until__gte=today)
    )


def case_kept_by_hold(*, feedback: Feedback, now: datetime) -> RetentionHold | None:
    """The operator's hold that keeps this case at `now` (the first by name), or None."""
    return holds_active(now=now).filter(cases=feedback).order_by("name", "id").first()


@dataclass(frozen=True)
class ExpiredCase:
    feedback_id: int
    reference: str
    closed_at: datetime
    hold: str  # the name of the hold that keeps it; empty: to be anonymised


def cases_expired(*, now: datetime, period: Period | None = None) -> list[ExpiredCase]:
    """The closed cases whose retention period has passed at `now` and that are not
    anonymised yet, the oldest closure first; each with the hold that keeps it, if any."""
    period = period or retention_schedule()[RetentionCategory.CASE]
    cases = (
        Feedback.objects.filter(
            status=Status.CLOSED, closed_at__isnull=False, closed_at__lte=period.start(now),
            anonymised_at__isnull=True,
        )
        .order_by("closed_at", "id")
        .values_list("id", "reference", "closed_at")
    )
    found = list(cases)
    held: dict[int, str] = {}
    if found:
        links = (
            RetentionHold.cases.through.objects.filter(
                retentionhold__in=holds_active(now=now), feedback_id__in=[c[0] for c in found],
            )
            .order_by("retentionhold__name", "retentionhold_id")
            .values_list("feedback_id", "retentionhold__name")
        )
        for feedback_id, name in links:
            held.setdefault(feedback_id, name)
    return [
        ExpiredCase(pk, reference, closed_at, held.get(pk, ""))
        for pk, reference, closed_at in found
        if closed_at is not None  # always (the filter): for the type checker
    ]


def retention_readable(user: User) -> None:
    if Action.VIEW_RETENTION not in role_actions(user):
        raise NotPermitted(_("Your role may not read the retention schedule."))


def destruction_runs_list(*, user: User, limit: int = 100) -> list[DestructionRun]:
    """The latest destruction runs, the latest first."""
    retention_readable(user)
    return list(DestructionRun.objects.all()[:limit])


def holds_list(*, user: User, now: datetime) -> list[tuple[RetentionHold, bool, int]]:
    """Every hold with whether it is in force at `now` and how many cases it names."""
    retention_readable(user)
    active = set(holds_active(now=now).values_list("id", flat=True))
    holds = RetentionHold.objects.annotate(n_cases=Count("cases"))
    return [(hold, hold.pk in active, hold.n_cases) for hold in holds]
