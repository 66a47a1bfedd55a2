"""Process audits for tests: closed cases placed in a period, and plans made through the
real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from memnun.feedback.codes import Closure, Status
from memnun.feedback.models import Feedback
from memnun.feedback.process_audit_models import AuditPlan
from memnun.feedback.services.process_audit import audit_plan_create, audit_sample_take
from tests.casework import Case, user
from tests.feedback.cases import IST

PERIOD = (date(2026, 10, 1), date(2026, 10, 31))


def closed_in_period(
    *, office: str = "istanbul", assignee: str | None = "handler", day: int = 15,
    month: int = 10, closure: str = Closure.CUSTOMER_AGREED,
) -> Feedback:
    """A case as the sampler sees it: recorded at intake, then put closed on a day
    (of October by default).

    Only for the sampler, which reads nothing but status, closure, closing time, office
    and assignee; the checklist's cases are walked through the real services instead.
    """
    feedback = Case(office=office).feedback
    Feedback.objects.filter(pk=feedback.pk).update(
        status=Status.CLOSED, closure=closure,
        closed_at=datetime(2026, month, day, 12, 0, tzinfo=IST),
        assignee=user(assignee) if assignee else None,
    )
    feedback.refresh_from_db()
    return feedback


def plan_for(*, by: str = "auditor", offices: tuple[str, ...] = ("istanbul",),
             period: tuple[date, date] | None = None, drawn: bool = True,
             **extra: Any) -> AuditPlan:
    """A plan over the cases closed since a day ago by default (those a test just closed)."""
    today = timezone.localdate()
    start, end = period or (today - timedelta(days=1), today + timedelta(days=1))
    fields: dict[str, Any] = {"per_office": 10, "per_handler": 10, "seed": 7} | extra
    plan = audit_plan_create(
        actor=user(by), title="Ekim denetimi", period_from=start, period_to=end,
        offices=list(offices), **fields,
    )
    return audit_sample_take(actor=user(by), plan=plan) if drawn else plan
