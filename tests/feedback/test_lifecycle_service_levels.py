"""The lifecycle keeps the service levels in step: the decision meets the resolution
deadline, a safety category shortens it, and waiting statuses stop the clocks."""

from __future__ import annotations

import pytest
from django.test import override_settings

from memnun.feedback.codes import ObligationKind
from memnun.feedback.models import Obligation
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.lifecycle import feedback_start
from tests.casework import Case, case_in, user

pytestmark = pytest.mark.django_db


def resolution(case: Case) -> Obligation:
    return Obligation.objects.get(feedback=case.feedback, kind=ObligationKind.RESOLUTION)


def test_the_approved_decision_meets_the_resolution_deadline(demo: None) -> None:
    case = case_in("under_review")
    assert resolution(case).met_at is None
    case.approve()
    met = resolution(case)
    assert met.met_at is not None
    assert case.fresh().next_due_kind != ObligationKind.RESOLUTION
    # Rejected and decided again: the first decision stays the one that met it.
    case.answer(accept=False).propose().approve(by="quality")
    assert resolution(case).met_at == met.met_at


def test_a_safety_category_shortens_the_resolution_target(demo: None) -> None:
    case = Case()
    assert resolution(case).target_key == "resolution:complaint"
    feedback_start(
        actor=user("reviewer"), feedback=case.feedback, assignee="handler",
        assessment=AssessmentInput(severity="high", safety_hazard=True,
                                   category="battery-safety"),
    )
    assert resolution(case).target_key == "resolution:safety"


@override_settings(SERVICE_LEVEL_PAUSE_STATUSES=["under_review"])
def test_statuses_that_wait_stop_the_clocks(demo: None) -> None:
    case = case_in("in_progress").propose()
    assert resolution(case).paused_since is not None
    case.approve()
    assert resolution(case).paused_since is None and resolution(case).met_at is not None
