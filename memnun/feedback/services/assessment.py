"""The initial assessment: category, severity, safety hazard, need for immediate action.

A safety hazard (or a need for immediate action) alerts the office's lead: a
`StaffAlert` per lead, delivered by the notifications worker from the lead's
next opening hour (as every staff alert); and it reaches the office's on-call
person at once, at any hour, by e-mail and SMS (`services/on_call.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import WORKING_STATUSES, AlertKind, Severity
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import Action, require
from memnun.feedback.selectors.staff import privacy_contacts
from memnun.feedback.services.common import case_audit, case_lock, ensure_status, now_or
from memnun.feedback.services.involvement import ensure_not_involved
from memnun.feedback.services.obligations import obligations_recompute
from memnun.feedback.services.on_call import on_call_alert
from memnun.feedback.services.staff_alerts import leads_alert, staff_alert
from memnun.organisation.models import Category


@dataclass(frozen=True)
class AssessmentInput:
    severity: str
    safety_hazard: bool
    category: str | None = None
    immediate_action: bool = False


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise FieldErrors({"assessment.category": [_("Unknown category.")]})
    return category


def assessment_check(data: AssessmentInput) -> Category | None:
    """Validate before any lock is taken; returns the category."""
    if data.severity not in Severity.values:
        raise FieldErrors({"assessment.severity": [_("Unknown severity.")]})
    return _category(data.category)


def _privacy_alert(*, feedback: Feedback, actor: User, at: datetime) -> None:
    """A complaint in a personal-data category (data loss) reaches the personal-data
    contact (KVKK K13), as a staff alert in their business hours."""
    contacts = staff_alert(
        feedback=feedback, kind=AlertKind.PERSONAL_DATA, at=at, recipients=privacy_contacts()
    )
    case_audit(
        actor=actor, action="feedback.alert_raised", feedback=feedback,
        data={"kind": AlertKind.PERSONAL_DATA.value,
              "recipients": [person.username for person in contacts]},
    )


def _alert(
    *, feedback: Feedback, kind: AlertKind, actor: User, at: datetime
) -> None:
    leads = leads_alert(feedback=feedback, kind=kind, at=at)
    on_call = on_call_alert(feedback=feedback, kind=kind, at=at)
    case_audit(
        actor=actor, action="feedback.alert_raised", feedback=feedback,
        data={"kind": kind.value, "recipients": [lead.username for lead in leads],
              "on_call": on_call},
    )


def assessment_apply(
    *, actor: User, feedback: Feedback, data: AssessmentInput, category: Category | None,
    at: datetime,
) -> None:
    """Store an assessment on a locked case, audit it, raise the alerts it calls for."""
    before = {
        "severity": feedback.severity,
        "safety_hazard": feedback.safety_hazard,
        "immediate_action": feedback.immediate_action,
        "category": feedback.category.code if feedback.category else None,
    }
    privacy_before = bool(feedback.category and feedback.category.is_privacy)
    # A category that is itself a safety hazard (a swollen battery) makes the case one.
    safety = data.safety_hazard or bool(category and category.is_safety)
    feedback.severity = data.severity
    feedback.safety_hazard = safety
    feedback.immediate_action = data.immediate_action
    feedback.category = category
    feedback.assessed_at = at
    feedback.save(
        update_fields=["severity", "safety_hazard", "immediate_action", "category", "assessed_at"]
    )
    after = {
        "severity": feedback.severity,
        "safety_hazard": safety,
        "immediate_action": feedback.immediate_action,
        "category": category.code if category else None,
    }
    case_audit(
        actor=actor, action="feedback.assessed", feedback=feedback,
        data={"before": before, "after": after},
    )
    if after["category"] != before["category"]:
        # A safety category has its own, shorter resolution target.
        obligations_recompute(feedback=feedback, actor=actor)
    if category is not None and category.is_privacy and not privacy_before:
        _privacy_alert(feedback=feedback, actor=actor, at=at)
    if safety and not before["safety_hazard"]:
        _alert(feedback=feedback, kind=AlertKind.SAFETY_HAZARD, actor=actor, at=at)
    if data.immediate_action and not before["immediate_action"]:
        _alert(feedback=feedback, kind=AlertKind.IMMEDIATE_ACTION, actor=actor, at=at)


def feedback_assess(
    *, actor: User, feedback: Feedback, data: AssessmentInput, now: datetime | None = None
) -> Feedback:
    """Revise the assessment of a case being worked (the first one comes with the start)."""
    require(actor, Action.ASSESS, feedback)
    category = assessment_check(data)
    at = now_or(now)
    with transaction.atomic():
        feedback = case_lock(feedback)
        ensure_status(
            feedback, WORKING_STATUSES,
            _("Only a case being worked can be reassessed; start it with its first assessment."),
        )
        ensure_not_involved(feedback, actor)
        assessment_apply(actor=actor, feedback=feedback, data=data, category=category, at=at)
    return feedback
