"""What a customer tracking a case sees: the case behind reference and code, messages, survey."""

from __future__ import annotations

from memnun.feedback.codes import (
    Closure,
    Status,
)
from memnun.feedback.models import (
    CaseMessage,
    Feedback,
    SurveyAnswer,
)
from memnun.feedback.references import reference_parse, tracking_code_matches


def feedback_for_tracking(*, reference: str, code: str) -> Feedback | None:
    """The case behind a reference and its tracking code, or None.

    A malformed reference, a wrong check digit, an unknown reference and a
    wrong code all give None, so callers cannot tell them apart.
    """
    canonical = reference_parse(reference)
    feedback = (
        Feedback.objects.prefetch_related("stages").filter(reference=canonical).first()
        if canonical
        else None
    )
    # Hash the code even for an unknown reference: no timing difference to probe.
    stored = feedback.tracking_code_hash if feedback is not None else "0" * 64
    if not tracking_code_matches(code, stored) or feedback is None:
        return None
    return feedback


def messages_for_customer(feedback: Feedback) -> list[CaseMessage]:
    """What the tracking page shows: messages to the customer, never an internal note."""
    return list(CaseMessage.objects.filter(feedback=feedback, visible_to_customer=True))


def survey_open(feedback: Feedback) -> bool:
    """Whether the customer may still rate the handling: closed (not merged), not yet rated."""
    return (
        feedback.status == Status.CLOSED
        and feedback.closure != Closure.MERGED
        and not SurveyAnswer.objects.filter(feedback=feedback).exists()
    )

