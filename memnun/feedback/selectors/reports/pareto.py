"""Complaints by one key, largest first, with share and cumulative share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.codes import FeedbackType
from memnun.feedback.models import Feedback, ResolutionProposal
from memnun.feedback.selectors.reports.kpi import KpiReads
from memnun.feedback.selectors.reports.rollup import pareto_rollable, pareto_rolled
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, report_cases
from memnun.organisation.models import Brand, Category, Office, RootCauseCategory

_DECIMALS = 3


def _in_language(name_tr: str, name_en: str) -> str:
    return name_en if (get_language() or "tr").startswith("en") else name_tr


def _named(model: Any) -> Mapping[str, str]:
    return dict(model.objects.values_list("code", "name"))


def _bilingual(model: Any) -> Mapping[str, str]:
    rows = model.objects.values_list("code", "name_tr", "name_en")
    return {code: _in_language(tr, en) for code, tr, en in rows}


def _latest_root_cause(cases: QuerySet[Feedback]) -> QuerySet[Feedback]:
    # The root-cause category of the case's latest proposal: its current analysis.
    latest = (
        ResolutionProposal.objects.filter(feedback=OuterRef("pk"))
        .order_by("-created_at", "-pk").values("root_cause_category__code")[:1]
    )
    return cases.annotate(root_cause_key=Subquery(latest))


@dataclass(frozen=True)
class ParetoKey:
    title: str | Promise  # what the complaints are grouped by, for pages and charts
    field: str
    # Every code with its label, each present with 0; None: the values found (free text).
    labels: Callable[[], Mapping[str, str]] | None
    annotate: Callable[[QuerySet[Feedback]], QuerySet[Feedback]] | None = None


PARETO_KEYS: Mapping[str, ParetoKey] = {
    "category": ParetoKey(gettext_lazy("Category"), "category__code",
                          lambda: _bilingual(Category)),
    "root_cause_category": ParetoKey(
        gettext_lazy("Root cause category"), "root_cause_key",
        lambda: _bilingual(RootCauseCategory), annotate=_latest_root_cause,
    ),
    "brand": ParetoKey(gettext_lazy("Brand"), "brand__code", lambda: _named(Brand)),
    # The product model as written (a brand's model names are not a managed list yet).
    "product": ParetoKey(gettext_lazy("Product model"), "product", None),
    "office": ParetoKey(gettext_lazy("Office"), "office__code", lambda: _named(Office)),
}


def _order(item: tuple[str | None, int]) -> tuple[int, int, str]:
    key, count = item
    # Largest first; ties by key, the cases without a value after the keys of their count.
    return (-count, key is None, key or "")


def _raw_counts(key: ParetoKey, cases: QuerySet[Feedback]) -> dict[str | None, int]:
    complaints = cases.filter(type=FeedbackType.COMPLAINT)
    if key.annotate is not None:
        complaints = key.annotate(complaints)
    counted = complaints.values(key.field).annotate(n=Count("pk")).order_by()
    counts: dict[str | None, int] = {}
    for row in counted:
        # A blank product is no product: counted with the cases without a value.
        value = row[key.field] or None
        counts[value] = counts.get(value, 0) + row["n"]
    return counts


@replica_reads
def pareto(
    *, period: Period, by: str, filters: ReportFilters, viewer: User, raw: bool = False,
    reads: KpiReads | None = None,
) -> dict[str, Any]:
    """The answer of `GET /api/v1/reports/pareto` (api-v1.md, Reports): complaints only.

    By office, brand or category it is read from the rollup, caught up first, when the
    filters allow it (`rollup.pareto_rolled`); otherwise, or when `raw` is asked, the
    raw cases are counted. Both give the same items. `reads`: the page's other reads
    (the rollup caught up already).
    """
    cases, scoped = report_cases(period=period, filters=filters, viewer=viewer)
    key = PARETO_KEYS[by]
    if not raw and pareto_rollable(by=by, scoped=scoped):
        (reads or KpiReads()).catch_up()
        counts = pareto_rolled(by=by, period=period, scoped=scoped)
    else:
        counts = _raw_counts(key, cases)
    labels = dict(key.labels()) if key.labels else {}
    for code in labels:
        counts.setdefault(code, 0)
    total = sum(counts.values())
    items, running = [], 0
    for value, count in sorted(counts.items(), key=_order):
        running += count
        items.append({
            "key": value,
            "label": _("Not given") if value is None else labels.get(value, value),
            "count": count,
            "share": round(count / total, _DECIMALS) if total else 0.0,
            "cumulative": round(running / total, _DECIMALS) if total else 0.0,
        })
    return {"by": by, "total": total, "items": items}
