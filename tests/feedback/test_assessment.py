"""The initial assessment, and the alert a safety hazard raises for the office lead at once."""

from __future__ import annotations

import pytest

from memnun.audit.models import AuditEvent
from memnun.feedback.codes import AlertKind
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import StaffAlert
from memnun.feedback.services.assessment import AssessmentInput, feedback_assess
from memnun.feedback.services.lifecycle import feedback_start
from tests.casework import Case, case_in, staff, user

pytestmark = pytest.mark.django_db


def start(case: Case, assessment: AssessmentInput, by: str = "reviewer",
          assignee: str = "handler") -> None:
    feedback_start(actor=user(by), feedback=case.feedback, assessment=assessment,
                   assignee=assignee)


def test_the_assessment_is_stored_and_audited(demo: None) -> None:
    case = Case()
    start(case, AssessmentInput(severity="high", safety_hazard=False, category="parts"))
    feedback = case.fresh()
    assert (feedback.severity, feedback.safety_hazard, feedback.category.code) == (  # type: ignore[union-attr]
        "high", False, "parts"
    )
    assert feedback.assessed_at is not None
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.assessed")
    assert event.data["after"] == {"severity": "high", "safety_hazard": False,
                                   "immediate_action": False, "category": "parts"}
    assert not StaffAlert.objects.exists()


def test_a_safety_hazard_alerts_the_office_lead_at_once(demo: None) -> None:
    second_lead = staff("lead2", "reviewer")
    case = Case()
    start(case, AssessmentInput(severity="critical", safety_hazard=True, immediate_action=True))
    alerts = StaffAlert.objects.filter(feedback=case.feedback)
    assert {(a.recipient.username, a.kind) for a in alerts} == {
        ("reviewer", AlertKind.SAFETY_HAZARD), (second_lead.username, "safety_hazard"),
        ("reviewer", AlertKind.IMMEDIATE_ACTION), ("lead2", "immediate_action"),
    }
    assert all(a.delivered_at is None and a.obligation is None for a in alerts)
    assert all(a.deliver_after >= a.created_at for a in alerts)  # from the lead's next hour
    raised = AuditEvent.objects.filter(object_id=case.reference, action="feedback.alert_raised")
    assert raised.count() == 2


def test_a_safety_category_makes_the_case_a_safety_hazard(demo: None) -> None:
    case = Case()
    start(case, AssessmentInput(severity="high", safety_hazard=False, category="battery-safety"))
    assert case.fresh().safety_hazard is True
    assert StaffAlert.objects.filter(kind=AlertKind.SAFETY_HAZARD).count() == 1


def test_without_a_team_lead_quality_managers_are_alerted(demo: None) -> None:
    case = Case(office="ankara")
    start(case, AssessmentInput(severity="high", safety_hazard=True), by="quality",
          assignee="quality")
    assert [a.recipient.username for a in StaffAlert.objects.all()] == ["quality"]


def test_reassessing_raises_an_alert_only_when_safety_is_new(demo: None) -> None:
    case = case_in("in_progress")
    hazard = AssessmentInput(severity="high", safety_hazard=True)
    feedback_assess(actor=user("handler"), feedback=case.feedback, data=hazard)
    feedback_assess(actor=user("handler"), feedback=case.feedback, data=hazard)
    assert StaffAlert.objects.count() == 1
    with pytest.raises(NotPermitted):
        feedback_assess(actor=staff("h2", "handler"), feedback=case.feedback, data=hazard)
    with pytest.raises(FieldErrors):
        feedback_assess(actor=user("reviewer"), feedback=case.feedback,
                        data=AssessmentInput(severity="urgent", safety_hazard=False))
    with pytest.raises(FieldErrors):
        feedback_assess(actor=user("reviewer"), feedback=case.feedback,
                        data=AssessmentInput(severity="low", safety_hazard=False, category="x"))
