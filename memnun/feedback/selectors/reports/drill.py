"""The cases behind a figure: what a dashboard figure counts, as a list of cases.

One home for the rule: a figure's cases are the report's cases (period,
filters, the viewer's office scope: `scope.report_cases`) narrowed by the
catalogue's own condition for the metric (`Metric.cases`, the Q the KPI
query counts with) and, for a breakdown, by the metric's `field` equal to
the key's value (`Metric.keys`). So a figure and the length of its list
cannot disagree, and every metric added to the catalogue drills without a
change here.

A figure measured case by case lists the cases it is measured over: a
duration's (`times_business_hours.*`) and a median or 90th percentile of
business hours (`resolution_business_hours.*`) the cases holding the report
fact it reads (`durations.histogram`'s rule), a rate the cases it is a share
of (its `Metric.cases`), a table's row the cases of any of its parts. A total
lists every case of the report.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.codes import CompensationStatus
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Compensation, Feedback
from memnun.feedback.selectors.reports.backlog import backlog_condition
from memnun.feedback.selectors.reports.catalogue import METRICS, NO_VALUE, Kind, Metric
from memnun.feedback.selectors.reports.scope import (
    Period,
    ReportFilters,
    filtered_cases,
    report_cases,
    report_scope,
)

# What `answer_at` gives for a code the answer does not hold.
ABSENT = object()


def answer_at(answer: Mapping[str, Any], code: str) -> Any:
    """The figure at a metric code's dotted place in a KPI answer, or ABSENT."""
    value: Any = answer
    for part in code.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return ABSENT
        value = value[part]
    return value


def _covers(metric: Metric) -> Q:
    """The condition of the cases a figure counts, averages, divides by or measures."""
    if metric.cases is not None:
        return metric.cases()
    if metric.parts:
        return reduce(or_, (part.cases() for part in metric.parts.values()))
    return Q()


def _unknown_key(key: str) -> FieldErrors:
    return FieldErrors({"key": [_("Unknown key: %(key)s.") % {"key": key}]})


def _backlog_behind(
    code: str, key: str | None, *, filters: ReportFilters, viewer: User, now: datetime
) -> QuerySet[Feedback]:
    """The open cases now behind a backlog figure: the filters apply, the period does not
    (the backlog is today's, whatever the date of receipt)."""
    condition = backlog_condition(code, key, now=now)
    if condition is None:
        raise _unknown_key(key or "")
    return filtered_cases(report_scope(filters=filters, viewer=viewer)).filter(condition)


# The parts of a duration's answer (`times_business_hours.<what>`).
_DURATION_PARTS = frozenset({"cases", "median", "p90"})


def _key_condition(metric: Metric, key: str) -> Q:
    """The breakdown's field equal to the key's value (none: the cases without one)."""
    if not metric.field:
        raise _unknown_key(key)
    if metric.keys is not None:
        keys = metric.keys()
        if key not in keys:
            raise _unknown_key(key)
        value = keys[key]
    else:
        value = None if key == NO_VALUE else key
    if value is None:
        return Q(**{f"{metric.field}__isnull": True})
    return Q(**{metric.field: value})


def cases_behind(
    *, code: str, key: str | None, period: Period, filters: ReportFilters, viewer: User,
    now: datetime | None = None,
) -> QuerySet[Feedback]:
    """The cases a figure counts: the metric `code`, and for a breakdown its `key`
    (a backlog figure's: the open cases at `now`, by default the present).

    Refusals as the KPI's: NotPermitted for who may not read the office's
    figures, FieldErrors for an unknown metric, key or filter value.
    """
    metric = METRICS.get(code)
    if metric is None:
        raise FieldErrors({"metric": [_("Unknown metric: %(code)s.") % {"code": code}]})
    if metric.kind is Kind.NOW:
        return _backlog_behind(code, key, filters=filters, viewer=viewer,
                               now=now or timezone.now())
    cases, _scoped = report_cases(period=period, filters=filters, viewer=viewer)
    if metric.kind in (Kind.DURATION, Kind.BUSINESS_HOURS):
        # Its count, median and p90 are all measured over the cases that have the fact.
        if key and key not in _DURATION_PARTS:
            raise _unknown_key(key)
        return cases.filter(**{f"{metric.field}__isnull": False})
    if metric.kind is Kind.COMPENSATION:
        # The cases with compensation granted (the figure counts the records: a case may
        # hold more than one).
        granted = Compensation.objects.filter(
            feedback=OuterRef("pk"), status=CompensationStatus.APPROVED
        )
        return cases.filter(Exists(granted))
    condition = _covers(metric)
    if key:
        condition &= _key_condition(metric, key)
    elif metric.kind is Kind.BREAKDOWN and metric.keys is not None:
        # The whole breakdown: its keys' cases (the closures it reports, say).
        condition &= Q(**{f"{metric.field}__in": list(metric.keys().values())})
    return cases.filter(condition)


@dataclass(frozen=True)
class CasesKey:
    """Where a page of the cases behind a figure ended: the latest received first."""

    received_at: datetime
    id: int


def cases_cursor_encode(key: CasesKey) -> str:
    raw = [key.received_at.isoformat(), key.id]
    return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode()


def cases_cursor_decode(cursor: str) -> CasesKey:
    """The key inside a cursor; FieldErrors for anything a previous page did not give."""
    bad = FieldErrors({"cursor": [_("This is not a cursor from a previous page.")]})
    try:
        received, pk = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        key = CasesKey(datetime.fromisoformat(received), pk)
    except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
        raise bad from exc
    if type(key.id) is not int or key.received_at.tzinfo is None:
        raise bad
    return key


@replica_reads
def cases_page(
    cases: QuerySet[Feedback], *, after: CasesKey | None, limit: int
) -> tuple[list[Feedback], CasesKey | None]:
    """One page, the latest received first, and the key to continue from (keyset).

    The order (received_at, id) descending is held by the `feedback_received`
    and `feedback_office_received` indexes, so a page costs the same deep in a
    year as at its start.
    """
    if after is not None:
        cases = cases.filter(received_at__lte=after.received_at).filter(
            Q(received_at__lt=after.received_at) | Q(id__lt=after.id)
        )
    rows = list(
        cases.select_related("office", "customer").order_by("-received_at", "-id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if more and rows else None
    return rows, CasesKey(last.received_at, last.pk) if last is not None else None
