"""The escalated and external cases of a report (RA-flow).

Its cases are the KPI's `escalated` figure's, by the catalogue's own condition
(`METRICS["escalated"].cases`: escalation level above 0), within the report's
period, filters and the viewer's office scope (`scope.report_cases`), so the
list and the figure cannot disagree. Each case carries its escalations (the
`Escalation` rows: when, from which level to which, why, by whom, and the
external body and date of a referral); `external_only` keeps the cases that
stand at an external level. No free text is read: the reasons given stay on
the case page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from memnun.accounts.models import User
from memnun.feedback.codes import Status
from memnun.feedback.escalation import Level, ladder, level_at
from memnun.feedback.escalation_codes import EscalationReason, ExternalBody
from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.catalogue import METRICS
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, report_cases


@dataclass(frozen=True)
class Step:
    at: datetime
    from_level: int
    to_level: int
    reason: str
    reason_label: str
    by: User | None
    external_body: str
    referred_on: date | None


@dataclass(frozen=True)
class EscalatedCase:
    reference: str
    office: str
    status: str
    level: int
    level_name: str
    external: bool
    steps: tuple[Step, ...]


def escalated_cases_query(
    *, period: Period, filters: ReportFilters, viewer: User, external_only: bool = False
) -> tuple[QuerySet[Feedback], ReportFilters]:
    """The escalated cases of the report, newest first (NotPermitted, FieldErrors as the
    report scope raises them)."""
    cases, scoped = report_cases(period=period, filters=filters, viewer=viewer)
    condition = METRICS["escalated"].cases
    assert condition is not None
    cases = cases.filter(condition())
    if external_only:
        external = [lv.order for lv in ladder() if lv.external]
        first = min(external) if external else None
        cases = cases.filter(escalation_level__gte=first) if first is not None else cases.none()
    return cases.order_by("-received_at", "-id"), scoped


def escalated_rows(cases: QuerySet[Feedback] | list[Feedback]) -> list[EscalatedCase]:
    """A page of escalated cases, each with its escalations (three queries for the page)."""
    levels = ladder()
    ids = [c.pk for c in cases]
    rows = (
        Feedback.objects.filter(pk__in=ids).select_related("office")
        .prefetch_related(Prefetch(
            "escalations", queryset=Escalation.objects.select_related("by").order_by("at", "id")
        ))
    )
    found = {row.pk: row for row in rows}
    return [_row(found[pk], levels) for pk in ids if pk in found]


def _row(feedback: Feedback, levels: tuple[Level, ...]) -> EscalatedCase:
    level = level_at(feedback.escalation_level, levels)
    steps = tuple(
        Step(
            at=e.at, from_level=e.from_level, to_level=e.to_level, reason=e.reason,
            reason_label=str(EscalationReason(e.reason).label), by=e.by,
            external_body=str(ExternalBody(e.external_body).label) if e.external_body else "",
            referred_on=e.referred_on,
        )
        for e in feedback.escalations.all()
    )
    return EscalatedCase(
        reference=feedback.reference, office=feedback.office.name,
        status=str(Status(feedback.status).label), level=feedback.escalation_level,
        level_name=level.name, external=level.external, steps=steps,
    )
