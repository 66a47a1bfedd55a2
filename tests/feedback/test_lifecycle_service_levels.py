"""The lifecycle keeps the service levels in step: the decision meets the resolution
deadline, a safety category shortens it, and leaving the work ends a wait for the customer."""

from __future__ import annotations

import pytest

from memnun.feedback.codes import ObligationKind
from memnun.feedback.models import Obligation
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.lifecycle import feedback_start
from memnun.feedback.services.questions import question_ask
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


def test_a_proposal_while_waiting_withdraws_the_question_and_restarts_the_clocks(
    demo: None,
) -> None:
    case = case_in("in_progress")
    question = question_ask(actor=user("handler"), feedback=case.fresh(), question="Fiş?")
    assert resolution(case).paused_since is not None
    case.propose()
    question.refresh_from_db()
    assert question.withdrawn_at is not None and question.answered_at is None
    assert resolution(case).paused_since is None
