"""The desk's case-list filters, read once: the queue, the home's panels and the views all
come through here.

A filter set is a query string (`office=…&status=…&assigned=me&deadline=overdue`):
`filters_read` checks every value and says which one is wrong (FieldErrors),
`filters_query` writes the canonical string a saved view keeps, and
`work_condition` turns the work filters into one database condition, so the fair
queue keeps its order (`selectors/queue.py`) whatever is chosen.

The work filters:
* `assigned=me` the user's cases; `nobody` no assignee; `recent` assigned to the user
  (and still theirs) within the last `RECENT_DAYS` days;
* `deadline=due_today|at_risk|overdue`: the next running deadline's state, by the
  rules of `selectors/deadline_state.py` (never a second copy here);
* `waiting=customer`: an open question to the customer (what waiting means,
  `CustomerQuestion`);
* `answered=since_last_look`: the customer answered a question or a resolution after
  the user's previous visit of their home (`HomeLook`; never looked: the last
  `RECENT_DAYS` days);
* `safety=hazard` and `repeat=yes`: the case's own flags.

The home's panels and the built-in views are tables over these filters, each with the
matrix action a role needs to be offered it (`PANELS`, `BUILT_IN_VIEWS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.feedback.codes import Channel, FeedbackType, Status
from memnun.feedback.desk_models import HomeLook
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Assignment, CustomerAnswer, CustomerQuestion
from memnun.feedback.permissions import Action, may, works_own_cases
from memnun.feedback.selectors.deadline_state import (
    at_risk_cases,
    due_today_cases,
    late_cases,
)
from memnun.feedback.selectors.search import CaseFilters

RECENT_DAYS = 7


class Assigned(models.TextChoices):
    ME = "me", gettext_lazy("Assigned to me")
    NOBODY = "nobody", gettext_lazy("Assigned to nobody")
    RECENT = "recent", gettext_lazy("Assigned to me in the last 7 days")


class DeadlineFilter(models.TextChoices):
    DUE_TODAY = "due_today", gettext_lazy("Due today")
    AT_RISK = "at_risk", gettext_lazy("At risk")
    OVERDUE = "overdue", gettext_lazy("Overdue")


class Waiting(models.TextChoices):
    CUSTOMER = "customer", gettext_lazy("Waiting for the customer")


class Answered(models.TextChoices):
    SINCE_LAST_LOOK = "since_last_look", gettext_lazy("Customer answered since I last looked")


class Safety(models.TextChoices):
    HAZARD = "hazard", gettext_lazy("Safety hazards")


class Repeat(models.TextChoices):
    YES = "yes", gettext_lazy("Repeats")


# Each key of a case list's query and the values it takes (None: any office code,
# checked against the user's scope by `queue.queue_office`).
_CHOICES: dict[str, type[models.TextChoices] | None] = {
    "office": None, "status": Status, "type": FeedbackType, "channel": Channel,
    "assigned": Assigned, "deadline": DeadlineFilter, "waiting": Waiting,
    "answered": Answered, "safety": Safety, "repeat": Repeat,
}
WORK_KEYS = ("assigned", "deadline", "waiting", "answered", "safety", "repeat")


@dataclass(frozen=True)
class CaseListFilters(CaseFilters):
    """The filters of a case list: the case's own (search's `CaseFilters`) and the work
    filters; "" means not filtered by that key."""

    assigned: str = ""
    deadline: str = ""
    waiting: str = ""
    answered: str = ""
    safety: str = ""
    repeat: str = ""

    def query(self) -> str:
        """The canonical query string: known keys in a fixed order, empty ones left out."""
        return urlencode([(f.name, getattr(self, f.name)) for f in fields(self)
                          if getattr(self, f.name)])

    def has_work(self) -> bool:
        return any(getattr(self, key) for key in WORK_KEYS)


def filters_read(params: Mapping[str, str]) -> CaseListFilters:
    """The filters in a query (other keys, such as the cursor or the search, are left for
    their readers); FieldErrors naming each key whose value is not one of its choices."""
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, choices in _CHOICES.items():
        value = str(params.get(key) or "").strip()
        if not value:
            continue
        if choices is not None and value not in choices.values:
            errors[key] = [_("Unknown value for %(key)s: %(value)s.") % {
                "key": key, "value": value[:40]}]
            continue
        values[key] = value
    if errors:
        raise FieldErrors(errors)
    return CaseListFilters(**values)


def filters_query(params: Mapping[str, str]) -> str:
    """The canonical query string of the filters in `params` (FieldErrors as `filters_read`)."""
    return filters_read(params).query()


def last_look(user: User, now: datetime) -> datetime:
    """Since when "answered since I last looked" counts for the user."""
    seen = HomeLook.objects.filter(user=user).values_list("previous_at", flat=True).first()
    return seen or now - timedelta(days=RECENT_DAYS)


def work_condition(filters: CaseListFilters, *, user: User, now: datetime) -> Q:
    """The work filters as one condition on `Feedback` (the case's own filters are the
    queue's: status, type, channel, office)."""
    condition = Q()
    if filters.assigned == Assigned.ME:
        condition &= Q(assignee_id=user.pk)
    elif filters.assigned == Assigned.NOBODY:
        condition &= Q(assignee__isnull=True)
    elif filters.assigned == Assigned.RECENT:
        given = Assignment.objects.filter(
            feedback=OuterRef("pk"), assignee_id=user.pk,
            at__gte=now - timedelta(days=RECENT_DAYS),
        )
        condition &= Q(assignee_id=user.pk) & Q(Exists(given))
    if filters.deadline == DeadlineFilter.OVERDUE:
        condition &= late_cases(now)
    elif filters.deadline == DeadlineFilter.AT_RISK:
        condition &= at_risk_cases(now)
    elif filters.deadline == DeadlineFilter.DUE_TODAY:
        condition &= due_today_cases(now)
    if filters.waiting == Waiting.CUSTOMER:
        condition &= Q(Exists(CustomerQuestion.objects.filter(
            feedback=OuterRef("pk"), answered_at__isnull=True, withdrawn_at__isnull=True,
        )))
    if filters.answered == Answered.SINCE_LAST_LOOK:
        since = last_look(user, now)
        condition &= Q(Exists(CustomerQuestion.objects.filter(
            feedback=OuterRef("pk"), answered_at__gt=since,
        ))) | Q(Exists(CustomerAnswer.objects.filter(feedback=OuterRef("pk"), at__gt=since)))
    if filters.safety == Safety.HAZARD:
        condition &= Q(safety_hazard=True)
    if filters.repeat == Repeat.YES:
        condition &= Q(is_repeat=True)
    return condition


# --- The home's panels and the built-in views: tables over the filters. -------------------


@dataclass(frozen=True)
class ListLens:
    """A named filter set offered to the roles whose matrix holds `action`.

    `own`: narrowed to the user's own cases for a role whose case work is on its own
    cases only (permissions.works_own_cases); other roles see their whole scope.
    """

    key: str
    title: str | Promise
    filters: tuple[tuple[str, str], ...]
    action: Action
    own: bool = False


PANELS: tuple[ListLens, ...] = (
    ListLens("mine", gettext_lazy("My open cases"), (("assigned", Assigned.ME),), Action.PROPOSE),
    ListLens("unassigned", gettext_lazy("Unassigned in my office"),
             (("assigned", Assigned.NOBODY),), Action.ASSIGN),
    ListLens("under_review", gettext_lazy("Awaiting review"),
             (("status", Status.UNDER_REVIEW),), Action.APPROVE),
    ListLens("overdue", gettext_lazy("Overdue"), (("deadline", DeadlineFilter.OVERDUE),),
             Action.VIEW, own=True),
    ListLens("due_today", gettext_lazy("Due today"), (("deadline", DeadlineFilter.DUE_TODAY),),
             Action.VIEW, own=True),
    ListLens("at_risk", gettext_lazy("At risk"), (("deadline", DeadlineFilter.AT_RISK),),
             Action.VIEW, own=True),
    ListLens("waiting", gettext_lazy("Waiting for the customer"),
             (("waiting", Waiting.CUSTOMER),), Action.ASK_CUSTOMER, own=True),
    ListLens("answered", gettext_lazy("Answered by the customer since I last looked"),
             (("answered", Answered.SINCE_LAST_LOOK),), Action.ASK_CUSTOMER, own=True),
    ListLens("recent", gettext_lazy("Recently assigned to me"),
             (("assigned", Assigned.RECENT),), Action.PROPOSE),
)

BUILT_IN_VIEWS: tuple[ListLens, ...] = (
    ListLens("mine", gettext_lazy("Mine"), (("assigned", Assigned.ME),), Action.PROPOSE),
    ListLens("unassigned", gettext_lazy("Unassigned"), (("assigned", Assigned.NOBODY),),
             Action.ASSIGN),
    ListLens("under_review", gettext_lazy("Under review"), (("status", Status.UNDER_REVIEW),),
             Action.VIEW),
    ListLens("breached", gettext_lazy("Breached"), (("deadline", DeadlineFilter.OVERDUE),),
             Action.VIEW),
    ListLens("safety", gettext_lazy("Safety hazards"), (("safety", Safety.HAZARD),), Action.VIEW),
    ListLens("repeats", gettext_lazy("Repeats"), (("repeat", Repeat.YES),), Action.VIEW),
)


def lens_filters(lens: ListLens, *, user: User) -> CaseListFilters:
    """The filters a panel or view stands for, for this user."""
    chosen = dict(lens.filters)
    if lens.own and works_own_cases(user):
        chosen.setdefault("assigned", Assigned.ME)
    return filters_read(chosen)


def lenses_for(user: User, table: tuple[ListLens, ...]) -> list[ListLens]:
    """The panels or views the user's role is offered (the matrix decides)."""
    return [lens for lens in table if may(user, lens.action)]
