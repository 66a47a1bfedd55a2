"""Every step of the lifecycle the customer should know of queues its message, in their language."""

from __future__ import annotations

import pytest

from memnun.feedback.services.messaging import feedback_outbound_messages
from tests.casework import case_in

pytestmark = pytest.mark.django_db


def _kinds(case: object) -> list[str]:
    feedback = case.fresh()  # type: ignore[attr-defined]
    return list(feedback_outbound_messages(feedback=feedback).order_by("id")
                .values_list("kind", flat=True))


def test_a_complaint_walked_to_closure_tells_the_customer_each_step(demo: None) -> None:
    case = case_in("closed", survey=True)  # the survey goes only with consent to it
    kinds = _kinds(case)
    assert "stage_changed" in kinds  # in progress, under review
    assert kinds.count("stage_changed") == 2
    assert kinds.index("resolution") < kinds.index("closed")
    feedback = case.fresh()
    resolution = feedback_outbound_messages(feedback=feedback).get(kind="resolution")
    assert "tüketici hakem heyeti" in resolution.text
    assert f"/track/{feedback.reference}/agreement?t=" in resolution.text
    closed = feedback_outbound_messages(feedback=feedback).get(kind="closed")
    assert f"/track/{feedback.reference}/survey?t=" in closed.text


def test_a_case_still_under_review_has_no_resolution_message(demo: None) -> None:
    case = case_in("under_review")
    kinds = _kinds(case)
    assert "resolution" not in kinds and "closed" not in kinds
