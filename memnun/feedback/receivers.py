"""Deadlines follow the rules: recompute when calendars, targets or categories change;
feedback links to a brand once the brand is known by the words the customer used;
`load_demo` gets the demo CAPAs and the demo process audit.

Connected in FeedbackConfig.ready(). The signals come from lower floors
(servicelevels, organisation) that may not import feedback; each receiver only
picks the affected cases and calls the feedback service, in the sender's
transaction.
"""

from __future__ import annotations

from typing import Any

from memnun.feedback.capa_demo import capa_demo_load
from memnun.feedback.codes import ObligationKind
from memnun.feedback.deadline_rules import kinds_for_target_key
from memnun.feedback.models import Feedback
from memnun.feedback.process_audit_demo import process_audit_demo_load
from memnun.feedback.services.brands import feedback_brands_relink
from memnun.feedback.services.obligations import obligations_recompute_many
from memnun.organisation.models import Brand, Category, Office
from memnun.organisation.signals import (
    brand_spellings_changed,
    category_safety_changed,
    demo_loaded,
    office_calendar_changed,
)
from memnun.servicelevels.models import Calendar
from memnun.servicelevels.signals import calendar_edited, target_edited


def on_calendar_edited(sender: Any, *, calendar: Calendar, actor: str = "", **kwargs: Any) -> None:
    offices = Office.objects.filter(calendar=calendar).values("id")
    obligations_recompute_many(
        feedback=Feedback.objects.filter(office_id__in=offices),
        reason=f"calendar {calendar.code} changed",
        actor=actor,
    )


def on_target_edited(sender: Any, *, key: str, actor: str = "", **kwargs: Any) -> None:
    obligations_recompute_many(
        feedback=Feedback.objects.all(),
        reason=f"service target {key} changed",
        actor=actor,
        kinds=kinds_for_target_key(key),
    )


def on_office_calendar_changed(
    sender: Any, *, office: Office, actor: str = "", **kwargs: Any
) -> None:
    obligations_recompute_many(
        feedback=Feedback.objects.filter(office=office),
        reason=f"office {office.code} changed calendar",
        actor=actor,
    )


def on_category_safety_changed(
    sender: Any, *, category: Category, actor: str = "", **kwargs: Any
) -> None:
    obligations_recompute_many(
        feedback=Feedback.objects.filter(category=category),
        reason=f"category {category.code} safety flag changed",
        actor=actor,
        kinds={ObligationKind.RESOLUTION},
    )


def on_brand_spellings_changed(
    sender: Any, *, brand: Brand, actor: str = "", **kwargs: Any
) -> None:
    feedback_brands_relink(actor=actor)


def on_demo_loaded(sender: Any, **kwargs: Any) -> None:
    capa_demo_load()
    process_audit_demo_load()


def connect() -> None:
    calendar_edited.connect(on_calendar_edited, dispatch_uid="feedback.calendar_edited")
    target_edited.connect(on_target_edited, dispatch_uid="feedback.target_edited")
    office_calendar_changed.connect(
        on_office_calendar_changed, dispatch_uid="feedback.office_calendar_changed"
    )
    category_safety_changed.connect(
        on_category_safety_changed, dispatch_uid="feedback.category_safety_changed"
    )
    brand_spellings_changed.connect(
        on_brand_spellings_changed, dispatch_uid="feedback.brand_spellings_changed"
    )
    demo_loaded.connect(on_demo_loaded, dispatch_uid="feedback.demo_loaded")
