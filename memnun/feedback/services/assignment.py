"""Who handles a case: chosen by a lead, or by a fair round robin among handlers on duty.

The round robin takes, within the case's office, the active handlers while the
office is open (its business calendar), skips those who already hold
`MEMNUN_ASSIGN_MAX_OPEN` open cases, are involved in the subject or (with
`MEMNUN_REQUIRE_TRAINING`) have no complaints-handling training valid that day,
and gives the case to the one assigned least recently (never assigned first, then
by id). A named assignee passes the same checks (`assignee_check`): every way of
assigning (the start, a reassignment, by name or round robin, desk or API) comes
through `assignee_choose`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.codes import WORKING_STATUSES
from memnun.feedback.errors import Conflict
from memnun.feedback.models import Assignment, Feedback, InvolvedPerson
from memnun.feedback.permissions import Action, in_scope, require
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or
from memnun.feedback.services.desk_notices import notice_assigned
from memnun.feedback.services.involvement import ensure_not_involved, staff_by_username
from memnun.governance.models import trainings_valid_on
from memnun.servicelevels.clock import is_open
from memnun.servicelevels.store import calendar_get

# Roles that may hold a case.
HANDLING_ROLES = frozenset({Role.HANDLER, Role.REVIEWER, Role.QUALITY})


def training_required() -> bool:
    return bool(settings.MEMNUN_REQUIRE_TRAINING)


def trained_on(day: date) -> QuerySet[User]:
    """Staff with a complaints-handling training valid on this (Istanbul) day."""
    return User.objects.filter(pk__in=trainings_valid_on(day).values("user_id"))


def ensure_trained(user: User, at: datetime) -> None:
    """ISO 10002 4.14: only someone trained in complaints handling may hold a case."""
    if not training_required():
        return
    day = timezone.localdate(at)
    if not trained_on(day).filter(pk=user.pk).exists():
        message = _(
            "%(user)s has no complaints-handling training valid on %(day)s; record the"
            " training first, or choose someone trained."
        ) % {"user": user.username, "day": day.strftime("%d.%m.%Y")}
        raise Conflict(message, fields={"assignee": [message]})


def assignee_check(*, feedback: Feedback, user: User, at: datetime) -> None:
    """Conflict (409) with the reason when this person may not be given the case."""
    if not user.is_active:
        raise Conflict(_("%(user)s is not an active member of staff.") % {"user": user.username})
    if user.role not in HANDLING_ROLES:
        raise Conflict(
            _("%(user)s's role does not handle cases; choose a handler, a team lead or a"
              " quality manager.") % {"user": user.username}
        )
    if not in_scope(user, feedback):
        raise Conflict(
            _("%(user)s works for another office.") % {"user": user.username}
        )
    ensure_not_involved(feedback, user)
    ensure_trained(user, at)


def assignee_pick(*, feedback: Feedback, now: datetime) -> User | None:
    """The next handler in the office's round robin, or None when nobody can take it."""
    office = feedback.office
    if not is_open(calendar_get(office.calendar_code), now):
        return None
    open_cases = (
        Feedback.objects.filter(assignee=OuterRef("pk"), status__in=WORKING_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_assigned = (
        Assignment.objects.filter(assignee=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    involved = InvolvedPerson.objects.filter(feedback=feedback).values("user_id")
    candidates = User.objects.filter(
        is_active=True, role=Role.HANDLER, office_id=office.pk
    ).exclude(pk__in=involved)
    if training_required():
        candidates = candidates.filter(pk__in=trained_on(timezone.localdate(now)).values("pk"))
    # Lock the candidates: two automatic assignments in one office take turns, so the
    # second sees the first's choice and the order stays fair.
    list(candidates.select_for_update().order_by("pk").values_list("pk", flat=True))
    return (
        candidates.annotate(
            open_cases=Coalesce(Subquery(open_cases), 0),
            last_assigned=Subquery(last_assigned),
        )
        .filter(open_cases__lt=settings.MEMNUN_ASSIGN_MAX_OPEN)
        .order_by(F("last_assigned").asc(nulls_first=True), "pk")
        .first()
    )


def assignee_choose(
    *, actor: User, feedback: Feedback, username: str | None, automatic: bool, now: datetime
) -> User:
    """The person a (locked) case goes to: named, or the round robin's pick."""
    if username:
        assignee = staff_by_username(username, field="assignee")
    elif automatic:
        require(actor, Action.ASSIGN, feedback)
        picked = assignee_pick(feedback=feedback, now=now)
        if picked is None:
            raise Conflict(
                _("No handler of this office is on duty with room for another case;"
                  " name an assignee.")
            )
        assignee = picked
    else:
        raise Conflict(_("Name an assignee, or ask for automatic assignment."))
    if assignee.pk != actor.pk:
        require(actor, Action.ASSIGN, feedback)
    assignee_check(feedback=feedback, user=assignee, at=now)
    return assignee


def assignment_write(
    *, actor: User, feedback: Feedback, assignee: User, automatic: bool, at: datetime
) -> None:
    before = feedback.assignee.username if feedback.assignee else None
    feedback.assignee = assignee
    feedback.save(update_fields=["assignee"])
    Assignment.objects.create(
        feedback=feedback, assignee=assignee, assigned_by=None if automatic else actor,
        automatic=automatic, at=at,
    )
    case_audit(
        actor=actor, action="feedback.assigned", feedback=feedback,
        data={"before": {"assignee": before}, "after": {"assignee": assignee.username},
              "automatic": automatic},
    )
    notice_assigned(feedback=feedback, assignee=assignee, actor=actor, at=at)


def feedback_assign(
    *, actor: User, feedback: Feedback, assignee: str | None = None, automatic: bool = False,
    now: datetime | None = None,
) -> Feedback:
    """Give a case being worked to someone else (the start assigns it the first time)."""
    require(actor, Action.ASSIGN, feedback)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, WORKING_STATUSES,
            _("Only a case being worked can be reassigned; a new case is assigned when it is"
              " started."),
        )
        ensure_not_involved(feedback, actor)
        chosen = assignee_choose(
            actor=actor, feedback=feedback, username=assignee, automatic=automatic, now=at
        )
        if chosen.pk == feedback.assignee_id:
            raise Conflict(
                _("The case is already assigned to %(user)s.") % {"user": chosen.username}
            )
        assignment_write(
            actor=actor, feedback=feedback, assignee=chosen, automatic=automatic, at=at
        )
    return feedback
