"""The five-stage timeline as the customer sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from memnun.feedback.codes import Status
from memnun.feedback.models import Feedback

STAGES = [Status.CREATED, Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.RESOLVED, Status.CLOSED]


@dataclass(frozen=True)
class Stage:
    status: Status
    label: str
    reached_at: datetime | None
    current: bool


def timeline_for(feedback: Feedback) -> list[Stage]:
    """Every stage with the last time the case entered it; later stages not yet reached."""
    reached: dict[str, datetime] = {}
    for change in feedback.stages.all():
        reached[change.status] = change.at
    order = [s.value for s in STAGES]
    current = order.index(feedback.status)
    return [
        Stage(
            status=status,
            label=str(status.label),
            reached_at=reached.get(status.value) if i <= current else None,
            current=i == current,
        )
        for i, status in enumerate(STAGES)
    ]
