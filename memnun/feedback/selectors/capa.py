"""Reads of the CAPA register for the desk: the list, one CAPA, its history, a case's CAPAs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.audit.models import AuditEvent
from memnun.feedback.capa_codes import CapaActionStatus, CapaStatus, CheckResult
from memnun.feedback.capa_models import Capa, CapaAction, CapaCheck, CapaSource
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import (
    Action,
    capas_visible_to,
    feedback_visible_to,
    role_actions,
)
from memnun.feedback.selectors.reports.periods import report_today


def _overdue_actions(today: date) -> QuerySet[CapaAction]:
    """Open actions due before `today` (an Istanbul day, `report_today`)."""
    return CapaAction.objects.filter(status=CapaActionStatus.OPEN, due_on__lt=today)


def capa_readable(user: User) -> None:
    if Action.VIEW_CAPA not in role_actions(user):
        raise NotPermitted(_("Your role may not read the CAPA register."))


def capa_register(
    *, user: User, now: datetime, status: str = "", office: str = "", overdue: bool = False
) -> list[Capa]:
    """The register (the user's scope), newest first, filtered; each row knows whether
    an action is overdue."""
    capa_readable(user)
    overdue_q = _overdue_actions(report_today(now=now)).filter(capa=OuterRef("pk"))
    qs = (
        capas_visible_to(user).select_related("office", "category")
        .annotate(has_overdue=Exists(overdue_q))
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if office:
        qs = qs.filter(office__code=office)
    if overdue:
        qs = qs.filter(has_overdue=True).exclude(status=CapaStatus.CLOSED)
    return list(qs)


def capa_get(*, user: User, number: str) -> Capa:
    """One CAPA of the user's scope; NotFound for one outside it, as for none."""
    capa_readable(user)
    capa = (
        capas_visible_to(user).select_related("office", "category", "created_by", "closed_by")
        .filter(number=number.strip().upper().replace("DOF", "DÖF")).first()
    )
    if capa is None:
        raise NotFound(_("No such CAPA."))
    return capa


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    label: str
    data: dict[str, Any]


def _history_labels() -> dict[str, str]:
    return {
        "capa.opened": _("Opened"),
        "capa.updated": _("Problem, analysis or criterion edited"),
        "capa.case_linked": _("Case linked"),
        "capa.action_added": _("Action added"),
        "capa.action_done": _("Action done"),
        "capa.checked": _("Effectiveness check recorded"),
        "capa.closed": _("Closed"),
        "capa.action_overdue_alerted": _("Owner alerted: action overdue"),
    }


def capa_history(*, capa: Capa, user: User) -> list[HistoryEntry]:
    """The CAPA's audit events, oldest first; a linked case's reference only where the
    user may see the case."""
    labels = _history_labels()
    events = list(AuditEvent.objects.filter(object_type="capa", object_id=capa.number))
    named = {e.data["feedback"] for e in events if e.data.get("feedback")}
    seen = set(
        feedback_visible_to(user).filter(reference__in=named).values_list("reference", flat=True)
    ) if named else set()
    return [
        HistoryEntry(e.at, e.actor, e.action, labels.get(e.action, e.action), {
            k: v for k, v in e.data.items() if k != "feedback" or v in seen
        })
        for e in events
    ]


def capas_of_case(*, feedback: Feedback) -> list[Capa]:
    """The CAPAs a case is a source of."""
    return list(Capa.objects.filter(sources__feedback=feedback).order_by("created_at", "id"))


def capas_open(*, user: User, limit: int = 200) -> list[Capa]:
    """CAPAs of the user's scope a case may still be linked to (not closed), newest first."""
    qs = capas_visible_to(user).exclude(status=CapaStatus.CLOSED).order_by("-created_at")
    return list(qs[:limit])


def capa_sources(*, capa: Capa, user: User) -> list[CapaSource]:
    """The CAPA's sources as the user may see them: a linked case only if the user may
    see the case (another office's stays out of an office-bound role's view)."""
    visible = feedback_visible_to(user).values("pk")
    return list(
        capa.sources.select_related("feedback__office")
        .filter(Q(feedback__isnull=True) | Q(feedback__in=visible))
    )


@dataclass(frozen=True)
class CapaSummary:
    """The register's state now, and its movement over a period (the review pack's CAPA
    section): counts by status, open CAPAs with an overdue action, CAPAs opened and
    closed in the period, effectiveness checks recorded in it by result."""

    by_status: dict[str, int]
    open: int  # every status but closed
    overdue: int  # open, with an action past its due date
    opened: int
    closed: int
    checks: dict[str, int]  # result code → count, in the period


def capa_summary(
    *, user: User, first: datetime, after: datetime, now: datetime
) -> CapaSummary:
    """The summary over [first, after); `now` decides what is overdue (Istanbul's day)."""
    capa_readable(user)
    capas = capas_visible_to(user)
    counted = dict(capas.order_by().values_list("status").annotate(n=Count("pk")))
    by_status = {code: counted.get(code, 0) for code in CapaStatus.values}
    overdue_q = _overdue_actions(report_today(now=now)).filter(capa=OuterRef("pk"))
    checks = dict(
        CapaCheck.objects.filter(capa__in=capas, checked_at__gte=first, checked_at__lt=after)
        .order_by().values_list("result").annotate(n=Count("pk"))
    )
    return CapaSummary(
        by_status=by_status,
        open=sum(n for code, n in by_status.items() if code != CapaStatus.CLOSED),
        overdue=capas.exclude(status=CapaStatus.CLOSED)
        .filter(Exists(overdue_q)).count(),
        opened=capas.filter(created_at__gte=first, created_at__lt=after).count(),
        closed=capas.filter(closed_at__gte=first, closed_at__lt=after).count(),
        checks={code: checks.get(code, 0) for code in CheckResult.values},
    )
