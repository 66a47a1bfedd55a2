"""Median and 90th percentile of the stored durations, from a histogram.

The report facts are whole tenths of a business hour, so a period's durations
are exactly described by (value, number of cases) pairs: a GROUP BY over the
raw rows or a sum of the rollup's monthly histograms. The percentiles are
"linear between the nearest ranks" (`statistics.quantiles(method="inclusive")`,
a spreadsheet's PERCENTILE), computed in integers, so either source gives the
same figure as sorting every duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet

from memnun.feedback.models import Feedback

# A histogram: duration in tenths of a business hour → how many cases took it.
Histogram = Mapping[int, int]


def histogram(cases: QuerySet[Feedback], fact: str) -> dict[int, int]:
    """The durations of the cases that have the fact, counted by value."""
    rows = (
        cases.filter(**{f"{fact}__isnull": False}).order_by()
        .values_list(fact).annotate(n=Count("pk"))
    )
    return dict(rows)


def histograms_add(parts: Iterable[Histogram]) -> dict[int, int]:
    total: dict[int, int] = {}
    for part in parts:
        for value, n in part.items():
            total[value] = total.get(value, 0) + n
    return total


def _at_rank(ordered: list[tuple[int, int]], rank: int) -> int:
    """The value of the rank-th smallest duration (0-based)."""
    seen = 0
    for value, n in ordered:
        seen += n
        if rank < seen:
            return value
    raise IndexError(rank)


def percentile(hist: Histogram, q: Fraction) -> Fraction | None:
    """The q-quantile in tenths of an hour, linear between the nearest ranks; None if empty."""
    ordered = sorted((v, n) for v, n in hist.items() if n)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    position = q * (total - 1)
    low = int(position)
    fraction = position - low
    value = Fraction(_at_rank(ordered, low))
    if fraction:
        value += fraction * (_at_rank(ordered, low + 1) - value)
    return value


def hours(tenths: Fraction | None) -> float | None:
    """Tenths of an hour as hours, to two decimals."""
    return None if tenths is None else round(float(tenths / 10), 2)


MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


def duration_figures(hist: Histogram) -> dict[str, Any]:
    """`{"cases", "median", "p90"}` of `times_business_hours`."""
    return {
        "cases": sum(hist.values()),
        "median": hours(percentile(hist, MEDIAN)),
        "p90": hours(percentile(hist, P90)),
    }
