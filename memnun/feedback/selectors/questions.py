"""Waiting for the customer: the open question of a case, and every question asked."""

from __future__ import annotations

from memnun.feedback.models import CustomerQuestion, Feedback


def question_open(*, feedback: Feedback) -> CustomerQuestion | None:
    """The question the case waits on, if any (at most one is open)."""
    return CustomerQuestion.objects.filter(
        feedback=feedback, answered_at__isnull=True, withdrawn_at__isnull=True
    ).first()


def questions_of(*, feedback: Feedback) -> list[CustomerQuestion]:
    """Every question asked on the case, oldest first, with who asked and who recorded."""
    return list(
        CustomerQuestion.objects.filter(feedback=feedback).select_related(
            "asked_by", "recorded_by"
        )
    )
