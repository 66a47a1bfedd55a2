"""The training records as the desk lists them, each with whether it counts today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from memnun.feedback.selectors.case import staff_name
from memnun.governance.models import TrainingRecord, trainings_valid_on


@dataclass(frozen=True)
class TrainingRow:
    username: str
    name: str
    course: str
    completed_on: date
    expires_on: date | None
    evidence: str
    valid: bool  # counts today (the assignment rule's definition)


def training_rows(*, today: date, limit: int = 500) -> list[TrainingRow]:
    valid = set(trainings_valid_on(today).values_list("pk", flat=True))
    records = TrainingRecord.objects.select_related("user").order_by(
        "user__username", "-completed_on"
    )[:limit]
    return [
        TrainingRow(
            username=r.user.username, name=staff_name(r.user), course=r.course,
            completed_on=r.completed_on, expires_on=r.expires_on, evidence=r.evidence,
            valid=r.pk in valid,
        )
        for r in records
    ]
