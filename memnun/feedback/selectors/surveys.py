"""Survey answers to follow up: a score of 1 or 2 means the handling failed the customer.

The rule lives here once: the survey service alerts the office's leads when an
answer meets it, and the desk's follow-up list shows the answers that meet it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memnun.accounts.models import User
from memnun.feedback.models import SurveyAnswer
from memnun.feedback.permissions import Action, feedback_visible_to, require
from memnun.feedback.selectors.case import staff_name

# The highest score that calls for a follow-up (of 1 to 5).
LOW_SCORE_MAX = 2


def survey_score_low(score: int) -> bool:
    """Whether a survey score calls for a follow-up with the customer."""
    return score <= LOW_SCORE_MAX


@dataclass(frozen=True)
class LowScore:
    reference: str
    office: str
    score: int
    at: datetime
    handler: str


def surveys_to_follow_up(*, user: User, limit: int = 100) -> list[LowScore]:
    """The low survey scores of the cases the user may see, the latest first (403 for a
    role that does not follow them up)."""
    require(user, Action.FOLLOW_UP_SURVEYS)
    answers = (
        SurveyAnswer.objects.filter(
            score__lte=LOW_SCORE_MAX, feedback__in=feedback_visible_to(user)
        )
        .select_related("feedback__office", "feedback__assignee")
        .order_by("-at", "-id")[:limit]
    )
    return [
        LowScore(
            reference=a.feedback.reference, office=a.feedback.office.name, score=a.score,
            at=a.at,
            handler=staff_name(a.feedback.assignee) if a.feedback.assignee else "",
        )
        for a in answers
    ]
