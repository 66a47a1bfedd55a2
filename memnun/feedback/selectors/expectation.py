"""What the customer may expect: when the office takes the case in, and answers by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memnun.feedback.codes import (
    ObligationKind,
)
from memnun.feedback.deadline_rules import taken_in_at
from memnun.feedback.models import (
    Feedback,
    Obligation,
)


@dataclass(frozen=True)
class Expectation:
    """What the customer may expect: when the office takes the case in, and answers by."""

    taken_in_at: datetime
    answer_by: datetime | None


def feedback_expectation(*, feedback: Feedback) -> Expectation:
    """For the customer: the next opening after receipt, and the resolution deadline.

    No promised answer while the clock is stopped (waiting for the customer) or
    once the resolution is given.
    """
    resolution = Obligation.objects.filter(
        feedback=feedback, kind=ObligationKind.RESOLUTION, met_at__isnull=True,
        paused_since__isnull=True,
    ).first()
    return Expectation(
        taken_in_at=taken_in_at(feedback=feedback),
        answer_by=resolution.due_at if resolution else None,
    )

