"""What the customer may expect: when the office takes the case in, and answers by."""

from __future__ import annotations

from collections.abc import Iterable
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


def _answer_promised(obligation: Obligation) -> bool:
    """No promised answer while the clock is stopped (waiting for the customer) or
    once the resolution is given."""
    return (
        obligation.kind == ObligationKind.RESOLUTION
        and obligation.met_at is None
        and obligation.paused_since is None
    )


def feedback_expectation(
    *, feedback: Feedback, obligations: Iterable[Obligation] | None = None
) -> Expectation:
    """For the customer: the next opening after receipt, and the resolution deadline.

    `obligations`: every obligation of the case, when the caller holds them as written
    (the intake that just opened them); read from the database otherwise.
    """
    if obligations is None:
        obligations = Obligation.objects.filter(
            feedback=feedback, kind=ObligationKind.RESOLUTION
        ).order_by("pk")  # the oldest open one, as the intake's list (written in order)
    resolution = next((o for o in obligations if _answer_promised(o)), None)
    return Expectation(
        taken_in_at=taken_in_at(feedback=feedback),
        answer_by=resolution.due_at if resolution else None,
    )

