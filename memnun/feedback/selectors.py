"""Reads of feedback for the interfaces (API, desk, portal)."""

from __future__ import annotations

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import feedback_visible_to
from memnun.feedback.references import reference_parse, tracking_code_matches


def feedback_for_staff(*, user: User, reference: str) -> Feedback:
    """A case the user may see; NotFound otherwise (existence is not revealed)."""
    canonical = reference_parse(reference)
    feedback = (
        feedback_visible_to(user)
        .select_related("office", "brand", "customer", "recorded_by")
        .prefetch_related("stages", "attachments")
        .filter(reference=canonical)
        .first()
        if canonical
        else None
    )
    if feedback is None:
        raise NotFound("No such feedback.")
    return feedback


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
