"""Repeat clusters of a period (R8.2b): feedback joined by a shared identifier, largest first.

Two cases of the report are joined when they share the device's IMEI, the
repair order, or the customer's phone or e-mail and were received within
`MEMNUN_REPEAT_WINDOW_DAYS` of each other (the rule of `repeats.py`); a
cluster is a connected group: A and B sharing a phone and B and C sharing an
IMEI make one cluster of three, though A and C share nothing. Only the cases
the report covers are joined (the period, the filters, the viewer's offices),
so a cluster never reaches into an office the viewer may not read, and a
case whose only repeat lies outside the period stands alone (not listed).

Fast for a year of a big office: every join has one side marked `is_repeat`
at intake (whichever of the two was recorded second saw the other), so only
the marked cases (the small partial index by date) and the cases sharing one
of their values (the values' indexes, as subqueries OR-ed together) are read,
each held to the report's cases by primary key: two queries of cases.

The report names the kind of match ("same IMEI"), never the value: the values
are the customer's personal data. (They are read to build the clusters, so a
case anonymised in place leaves its clusters.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from itertools import pairwise
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from memnun.accounts.models import User
from memnun.dbrouting import replica_reads
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.repeats import (
    MATCH_COLUMNS,
    MATCH_LABELS,
    MATCHES,
    Match,
    repeat_window_days,
)
from memnun.feedback.selectors.reports.scope import Period, ReportFilters, report_cases
from memnun.organisation.models import Brand, Category, Office

_FIELDS = ("pk", "reference", "received_at", "office_id", "brand_id", "category_id",
           *(MATCH_COLUMNS[match] for match in MATCHES))


@dataclass(frozen=True)
class Member:
    pk: int
    reference: str
    received_at: datetime
    office_id: int
    brand_id: int | None
    category_id: int | None
    values: dict[Match, str]


@dataclass(frozen=True)
class Cluster:
    """Cases joined by shared identifiers; codes, not names, and never the values shared."""

    references: tuple[str, ...]  # oldest first
    matches: tuple[Match, ...]  # the kinds of match that join it, strongest first
    first_received: datetime
    last_received: datetime
    offices: tuple[str, ...]
    brands: tuple[str, ...]  # known brands only
    categories: tuple[str, ...]  # assessed cases only

    @property
    def size(self) -> int:
        return len(self.references)

    @property
    def match_labels(self) -> list[str]:
        return [str(MATCH_LABELS[m]) for m in self.matches]


def _members(rows: Iterable[tuple[Any, ...]]) -> dict[int, Member]:
    return {
        pk: Member(
            pk=pk, reference=reference, received_at=received_at, office_id=office_id,
            brand_id=brand_id, category_id=category_id,
            values={m: v for m, v in zip(MATCHES, values, strict=True) if v},
        )
        for pk, reference, received_at, office_id, brand_id, category_id, *values in rows
    }


def _read(cases: QuerySet[Feedback], period: Period) -> dict[int, Member]:
    """The marked cases of the report and the cases of the report sharing one of their values.

    Both are found by an index of their own and then held to the report's cases
    by primary key: the marked ones by the period alone (the partial index on
    marked cases), the partners by the value alone (its index). Given the office
    too, a database without statistics (SQLite) would rather walk the office's
    index over the whole period (every case of the office, not the few marked).
    """
    first, after = period.bounds()
    marked_in_period = Feedback.objects.filter(
        is_repeat=True, received_at__gte=first, received_at__lt=after).values("pk")
    marked = cases.filter(pk__in=marked_in_period)
    members = _members(marked.values_list(*_FIELDS))
    # The cases sharing any kind of value with a marked one, in one pass over the report's
    # cases (each kind by its value's index, the kinds OR-ed).
    sharing = [
        Q(**{f"{MATCH_COLUMNS[match]}__in":
             marked.exclude(**{MATCH_COLUMNS[match]: ""}).values(MATCH_COLUMNS[match])})
        for match in MATCHES if any(match in m.values for m in members.values())
    ]
    if sharing:
        partners = Feedback.objects.filter(reduce(or_, sharing)).values("pk")
        members |= _members(cases.filter(pk__in=partners).values_list(*_FIELDS))
    return members


def clusters_build(
    members: Iterable[Member], *, window: timedelta
) -> list[tuple[list[Member], tuple[Match, ...]]]:
    """Connected groups of two or more, oldest first, each with the kinds joining it (pure).

    Union-find over the cases. For each shared value, the cases sorted by
    receipt need only be compared with the next one: if the first and the
    third are within the window of each other, so is each with the second.
    """
    cases = {m.pk: m for m in members}
    parent = {pk: pk for pk in cases}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    joins: list[tuple[int, Match]] = []
    for match in MATCHES:
        by_value: dict[str, list[Member]] = defaultdict(list)
        for member in cases.values():
            if match in member.values:
                by_value[member.values[match]].append(member)
        for sharing in by_value.values():
            sharing.sort(key=lambda m: (m.received_at, m.pk))
            for earlier, later in pairwise(sharing):
                if later.received_at - earlier.received_at <= window:
                    parent[root(earlier.pk)] = root(later.pk)
                    joins.append((later.pk, match))
    groups: dict[int, list[Member]] = defaultdict(list)
    for member in cases.values():
        groups[root(member.pk)].append(member)
    kinds: dict[int, set[Match]] = defaultdict(set)
    for pk, match in joins:
        kinds[root(pk)].add(match)
    return [
        (sorted(group, key=lambda m: (m.received_at, m.reference)),
         tuple(m for m in MATCHES if m in kinds[top]))
        for top, group in groups.items()
        if len(group) > 1
    ]


def _codes(ids: Iterable[int | None], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted({names[i] for i in ids if i is not None and i in names}))


@replica_reads
def repeat_clusters(
    *, period: Period, filters: ReportFilters, viewer: User
) -> tuple[list[Cluster], ReportFilters]:
    """The period's repeat clusters in the viewer's scope, largest first (then the latest).

    NotPermitted when the viewer may not read reports (or that office's);
    FieldErrors for an unknown filter value (as every report).
    """
    cases, scoped = report_cases(period=period, filters=filters, viewer=viewer)
    groups = clusters_build(_read(cases, period).values(),
                            window=timedelta(days=repeat_window_days()))
    offices = dict(Office.objects.values_list("pk", "code"))
    brands = dict(Brand.objects.values_list("pk", "code"))
    categories = dict(Category.objects.values_list("pk", "code"))
    clusters = [
        Cluster(
            references=tuple(m.reference for m in group),
            matches=matches,
            first_received=group[0].received_at,
            last_received=group[-1].received_at,
            offices=_codes((m.office_id for m in group), offices),
            brands=_codes((m.brand_id for m in group), brands),
            categories=_codes((m.category_id for m in group), categories),
        )
        for group, matches in groups
    ]
    clusters.sort(key=lambda c: (-c.size, -c.last_received.timestamp(), c.references[0]))
    return clusters, scoped
