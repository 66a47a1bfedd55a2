"""Reads of the internal process audit (R8.5) for the desk: the plans, one plan with its
sample and checklist, and the conformance report (per office and per person, over time)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.errors import NotFound, NotPermitted
from memnun.feedback.permissions import Action, role_actions
from memnun.feedback.process_audit_codes import AuditStatus, Outcome
from memnun.feedback.process_audit_models import AuditCheck, AuditPlan, AuditSample
from memnun.feedback.selectors.case import staff_name
from memnun.feedback.selectors.reports.periods import report_today
from memnun.feedback.selectors.reports.scope import day_start


def audits_readable(user: User) -> None:
    if Action.VIEW_PROCESS_AUDITS not in role_actions(user):
        raise NotPermitted(_("Your role may not read the process audits."))


def audit_plans(*, user: User) -> list[AuditPlan]:
    """Every plan, newest first, with its case and finding counts."""
    audits_readable(user)
    return list(
        AuditPlan.objects.select_related("created_by")
        .prefetch_related("offices")
        .annotate(n_cases=Count("samples", distinct=True),
                  n_findings=Count("findings", distinct=True))
        .order_by("-created_at", "-id")
    )


def audit_plan_get(*, user: User, plan_id: int) -> AuditPlan:
    audits_readable(user)
    plan = AuditPlan.objects.select_related("created_by", "finished_by").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such audit."))
    return plan


def audit_samples(*, plan: AuditPlan) -> list[AuditSample]:
    """The sample in the order drawn, each with its case, handler and checklist."""
    return list(
        plan.samples.select_related("feedback", "office", "handler")
        .prefetch_related(Prefetch(
            "checks", queryset=AuditCheck.objects.select_related("confirmed_by").order_by("id"),
        ))
    )


# --- The conformance report ---------------------------------------------------------------


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0

    def add(self, outcome: str) -> None:
        if outcome == Outcome.PASS:
            self.passed += 1
        elif outcome == Outcome.FAIL:
            self.failed += 1
        else:
            self.not_applicable += 1

    @property
    def judged(self) -> int:
        return self.passed + self.failed

    @property
    def share(self) -> float | None:
        """Items passed of those that applied (pass + fail); None when none applied."""
        return self.passed / self.judged if self.judged else None


@dataclass
class ConformanceRow:
    period: str
    who: str
    tally: Tally


@dataclass
class Conformance:
    by: str
    periods: list[str] = field(default_factory=list)
    offices: list[ConformanceRow] = field(default_factory=list)
    people: list[ConformanceRow] = field(default_factory=list)

    def office_series(self) -> dict[str, list[float | None]]:
        """Per office, its share in each period (None where it had no applicable item)."""
        grid: dict[str, dict[str, float | None]] = defaultdict(dict)
        for row in self.offices:
            grid[row.who][row.period] = row.tally.share
        return {who: [grid[who].get(p) for p in self.periods] for who in sorted(grid)}


BY_PLAN, BY_MONTH = "plan", "month"


def _rows(tallies: dict[tuple[str, str], Tally], order: list[str]) -> list[ConformanceRow]:
    return [
        ConformanceRow(period, who, tallies[(period, who)])
        for period, who in sorted(tallies, key=lambda k: (order.index(k[0]), k[1]))
    ]


def audit_conformance(
    *, user: User, by: str = BY_PLAN, between: tuple[date, date] | None = None
) -> Conformance:
    """The share of checklist items passed, per office and per handler, for each finished
    audit (`by="plan"`) or each month in which the audited cases closed (`by="month"`,
    Istanbul). The auditor's outcome counts where given, else the records'. `between`
    (first and last day) keeps the audits finished in those days (the review pack's)."""
    audits_readable(user)
    by = by if by in (BY_PLAN, BY_MONTH) else BY_PLAN
    finished = AuditCheck.objects.filter(sample__plan__status=AuditStatus.FINISHED)
    if between is not None:
        first = day_start(between[0])
        after = day_start(between[1] + timedelta(days=1))
        finished = finished.filter(sample__plan__finished_at__gte=first,
                                   sample__plan__finished_at__lt=after)
    checks: Iterable[AuditCheck] = (
        finished
        .select_related("sample__plan", "sample__office", "sample__handler",
                        "sample__feedback")
        .order_by("sample__plan__period_from", "sample__plan_id", "id")
    )
    report = Conformance(by=by)
    offices: dict[tuple[str, str], Tally] = defaultdict(Tally)
    people: dict[tuple[str, str], Tally] = defaultdict(Tally)
    keys: dict[str, str] = {}
    for check in checks:
        sample = check.sample
        if by == BY_PLAN:
            period = f"{sample.plan.title} ({sample.plan.period_from:%m.%Y})"
            key = f"{sample.plan.period_from.isoformat()}:{sample.plan_id:09d}"
        else:
            closed = sample.feedback.closed_at
            assert closed is not None
            period = key = report_today(now=closed).strftime("%Y-%m")
        keys.setdefault(period, key)
        offices[(period, sample.office.name)].add(check.outcome)
        people[(period, staff_name(sample.handler) if sample.handler else _("no handler"))].add(
            check.outcome
        )
    report.periods = sorted(keys, key=lambda p: keys[p])
    report.offices = _rows(offices, report.periods)
    report.people = _rows(people, report.periods)
    return report
