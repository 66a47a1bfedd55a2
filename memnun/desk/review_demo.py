"""The demo's management review (`load_demo`, through `organisation.signals.demo_loaded`,
after feedback's demo CAPAs and audit): last month reviewed ten days ago by top management
and quality, its pack made (in Turkish), three decisions (one opened a CAPA, one changed
an objective, one done already), approved by top management.

In the desk, not in feedback, because the pack's files are drawn here
(`review_pack_render.py`). Made through the real services, once: a second load finds
the review by its period and meeting date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from memnun.accounts.models import User
from memnun.desk.review_pack_render import review_pack_files
from memnun.feedback.objectives_models import Objective, ObjectiveStatus
from memnun.feedback.review_models import DecisionAction, ManagementReview
from memnun.feedback.selectors.reports.scope import Period
from memnun.feedback.services.management_review import (
    ReviewInput,
    review_approve,
    review_decision_add,
    review_decision_done,
    review_draft,
    review_pack_attach,
)
from memnun.feedback.services.objectives import (
    ObjectiveInput,
    objective_approve,
    objective_create,
)


def _last_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(start=end.replace(day=1), end=end)


def _objective(quality: User, manager: User) -> Objective:
    """The acknowledgement objective the review raised (made here unless there is one)."""
    found = Objective.objects.filter(metric="acknowledgement.rate", office__isnull=True,
                                     status=ObjectiveStatus.APPROVED).first()
    if found is not None:
        return found
    made = objective_create(actor=quality, data=ObjectiveInput(
        metric="acknowledgement.rate", target=Decimal("95"), direction="at_least",
        period_unit="month", owner=quality.username,
    ))
    return objective_approve(actor=manager, objective=made)


def _review(users: dict[str, User], now: datetime) -> None:
    manager, quality = users["manager"], users["quality"]
    period = _last_month(timezone.localdate(now))
    met = now - timedelta(days=10)
    review = review_draft(actor=quality, now=met - timedelta(days=3), data=ReviewInput(
        meeting_on=met.date(), period_from=period.start, period_to=period.end,
        attendees=(manager.username, quality.username),
        other_attendees="Murat Kaya (bölge müdürü), Elif Şahin (dış danışman)",
    ))
    files = review_pack_files(viewer=quality, period=period, language="tr",
                              review_id=review.pk)
    review = review_pack_attach(actor=quality, review=review, language="tr", pdf=files.pdf,
                                xlsx=files.xlsx, now=met - timedelta(days=2))
    review_decision_add(
        actor=manager, review=review, action=DecisionAction.CAPA, now=met,
        text="Faksla gelen şikâyetlere altı iş saati içinde dönülmüyor: faksların izlenmesi"
        " ve geri arama için İstanbul'da bir sorumlu atanacak.",
    )
    review_decision_add(
        actor=manager, review=review, action=DecisionAction.OBJECTIVE, now=met,
        objective=_objective(quality, manager).pk,
        text="Zamanında alındı bildirimi hedefi %95 olarak korunacak; aylık izlenecek.",
    )
    done = review_decision_add(
        actor=manager, review=review, action=DecisionAction.NONE, now=met,
        text="Şikâyet sürecinde çalışan herkes yeni politika sürümünü okuyup onaylayacak.",
    )
    review_approve(actor=manager, review=review, now=met + timedelta(days=1))
    review_decision_done(actor=quality, decision=done, now=met + timedelta(days=5))


@transaction.atomic
def review_demo_load(*, now: datetime | None = None) -> int:
    """The demo review, made once; how many were made now (0 or 1)."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=["manager", "quality"])}
    period = _last_month(timezone.localdate(now))
    if len(users) < 2 or ManagementReview.objects.filter(
        period_from=period.start, period_to=period.end,
    ).exists():
        return 0
    with translation.override("tr"):  # the demo's language
        _review(users, now)
    return 1


def on_demo_loaded(sender: Any, **kwargs: Any) -> None:
    review_demo_load()
