"""CAPAs for tests, made through the real services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from memnun.feedback.capa_codes import CapaSourceKind, CriterionKind
from memnun.feedback.capa_models import Capa
from memnun.feedback.models import Feedback
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.capa import (
    CapaInput,
    SourceInput,
    capa_action_add,
    capa_action_done,
    capa_open,
)
from memnun.feedback.services.lifecycle import feedback_start
from tests.casework import user
from tests.feedback.cases import record


def new_capa(*, by: str = "quality", now: datetime | None = None, **fields: Any) -> Capa:
    data: dict[str, Any] = {
        "problem": "Onarım gecikmesi şikâyetleri artıyor.", "office": "istanbul",
        "category": "repair-delay", "criterion_kind": CriterionKind.JUDGED,
        "criterion_text": "Gecikme şikâyeti kalmamalı.",
    } | fields
    return capa_open(
        actor=user(by), data=CapaInput(**data),
        source=SourceInput(CapaSourceKind.PARETO, "Pareto, Ekim 2026"), now=now,
    )


def acted(capa: Capa, *, done_at: datetime | None = None, due_on: date = date(2026, 12, 31),
          owner: str = "handler") -> Capa:
    """One action added and done (at `done_at`): the CAPA awaits its check."""
    action = capa_action_add(
        actor=user("quality"), capa=capa, description="İkinci tedarikçi eklenecek.",
        owner=owner, due_on=due_on, now=done_at,
    )
    capa_action_done(actor=user(owner), action=action, now=done_at)
    capa.refresh_from_db()
    return capa


def complaint(
    received: datetime, *, category: str = "repair-delay", office: str = "istanbul",
) -> Feedback:
    """A complaint received at `received`, classified in `category` (by its start)."""
    feedback = record(received_at=received, office=office, actor="quality")
    feedback_start(
        actor=user("quality"), feedback=feedback, assignee="quality",
        assessment=AssessmentInput(severity="low", safety_hazard=False, category=category),
    )
    return feedback
