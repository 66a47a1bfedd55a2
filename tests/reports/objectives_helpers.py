"""Objectives for tests, drafted and approved through the real services."""

from __future__ import annotations

from decimal import Decimal

from memnun.feedback.objectives_models import Objective
from memnun.feedback.services.objectives import ObjectiveInput, objective_approve, objective_create
from tests.casework import user


def objective(
    metric: str, target: str, direction: str = "at_least", *, unit: str = "month",
    office: str | None = None, brand: str | None = None, approved: bool = True,
) -> Objective:
    made = objective_create(actor=user("quality"), data=ObjectiveInput(
        metric=metric, target=Decimal(target), direction=direction, period_unit=unit,
        owner="quality", office=office, brand=brand,
    ))
    if approved:
        made = objective_approve(actor=user("manager"), objective=made)
    return made
