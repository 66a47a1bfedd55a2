"""Surges (R8.2b): a category × office whose complaints of a week rose above their norm.

The rule, per category and office, on ISO weeks (Monday to Sunday, by the
Istanbul date a complaint was received):

    a week is a surge when its complaints number at least
    MEMNUN_SURGE_MIN_CASES (5) and are more than the mean of the previous
    MEMNUN_SURGE_HISTORY_WEEKS (8) weeks plus two standard deviations,
    the standard deviation taken as at least the square root of the mean.

Weeks without a complaint count as 0. The floor on the standard deviation is
the ordinary week-to-week wobble of a count (a steady rate of m complaints a
week varies by about √m): without it, a history that happened to be flat
(4, 4, 4, …) would make one complaint more a surge. With a flat history the
week must reach the mean plus 2√m (4 → more than 8, 25 → more than 35); with
no complaints before, the minimum of 5 alone decides.

Complaints only, and only assessed ones (a case gets its category at the
initial assessment), so a week's count may still grow for a few days after
it ends. No personal field is read: anonymising a case changes nothing here.

`surge_threshold` and `surge_is` are the rule, pure; `surges_of_week` reads
the counts in one aggregate query and applies it; `surges_for` is the same
in a viewer's office scope, for the desk.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q

from memnun.accounts.models import User
from memnun.feedback.codes import FeedbackType
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import reports_office_scope
from memnun.feedback.selectors.reports.scope import Period
from memnun.organisation.models import Office

SIGMAS = 2


def surge_min_cases() -> int:
    minimum: int = settings.MEMNUN_SURGE_MIN_CASES
    return minimum


def surge_history_weeks() -> int:
    weeks: int = settings.MEMNUN_SURGE_HISTORY_WEEKS
    return weeks


def surge_threshold(history: Sequence[int]) -> float:
    """The count a week must exceed: mean + 2 × max(standard deviation, √mean)."""
    mean = statistics.fmean(history) if history else 0.0
    spread = statistics.pstdev(history) if len(history) > 1 else 0.0
    return mean + SIGMAS * max(spread, math.sqrt(mean))


def surge_is(count: int, history: Sequence[int], *, min_cases: int) -> bool:
    """Whether a week of `count` complaints after these weekly counts is a surge (the rule)."""
    return count >= min_cases and count > surge_threshold(history)


@dataclass(frozen=True)
class SurgeFound:
    office_id: int
    category_id: int
    week_start: date
    count: int
    history: tuple[int, ...]  # the weeks before, oldest first
    mean: float
    threshold: float

    @property
    def period(self) -> Period:
        return Period(start=self.week_start, end=self.week_start + timedelta(days=6))

    @property
    def history_start(self) -> date:
        return self.week_start - timedelta(days=7 * len(self.history))


def surges_of_week(*, week: date, office_id: int | None = None) -> list[SurgeFound]:
    """The surges of the ISO week starting `week` (a Monday), largest rise first.

    One GROUP BY over the complaints of the week and the weeks before it, with
    a count per week; only the category × office pairs with at least the
    minimum that week are read back.
    """
    min_cases, weeks = surge_min_cases(), surge_history_weeks()
    mondays = [week - timedelta(days=7 * back) for back in range(weeks, -1, -1)]
    bounds = [Period(start=monday, end=monday + timedelta(days=6)).bounds() for monday in mondays]
    complaints = Feedback.objects.filter(
        type=FeedbackType.COMPLAINT, category__isnull=False,
        received_at__gte=bounds[0][0], received_at__lt=bounds[-1][1],
    )
    if office_id is not None:
        complaints = complaints.filter(office_id=office_id)
    counts = {
        f"w{i}": Count("pk", filter=Q(received_at__gte=first, received_at__lt=after))
        for i, (first, after) in enumerate(bounds)
    }
    rows = (
        complaints.order_by().values("office_id", "category_id").annotate(**counts)
        .filter(**{f"w{weeks}__gte": min_cases})
    )
    found = []
    for row in rows:
        history = tuple(row[f"w{i}"] for i in range(weeks))
        count = row[f"w{weeks}"]
        if surge_is(count, history, min_cases=min_cases):
            found.append(SurgeFound(
                office_id=row["office_id"], category_id=row["category_id"], week_start=week,
                count=count, history=history, mean=statistics.fmean(history) if history else 0.0,
                threshold=surge_threshold(history),
            ))
    found.sort(key=lambda s: (s.threshold - s.count, s.office_id, s.category_id))
    return found


def surges_for(*, week: date, office: str | None, viewer: User) -> list[SurgeFound]:
    """The week's surges of the offices whose reports the viewer reads (NotPermitted else)."""
    code = reports_office_scope(user=viewer, office=office)
    if code is None:
        return surges_of_week(week=week)
    office_id = Office.objects.filter(code=code).values_list("pk", flat=True).first()
    return [] if office_id is None else surges_of_week(week=week, office_id=office_id)


def surge_cases(
    *, week: date, office: str, category: str, viewer: User
) -> list[Feedback]:
    """The complaints counted in one category × office × week, oldest first (the rule's
    cases; NotPermitted outside the viewer's offices)."""
    reports_office_scope(user=viewer, office=office)
    first, after = Period(start=week, end=week + timedelta(days=6)).bounds()
    return list(
        Feedback.objects.filter(
            type=FeedbackType.COMPLAINT, office__code=office, category__code=category,
            received_at__gte=first, received_at__lt=after,
        ).order_by("received_at", "id").only("reference", "received_at", "status")
    )
