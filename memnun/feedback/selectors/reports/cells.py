"""How the catalogue's counters map onto the rollup's day cells (`ReportDay`).

A cell holds the counters of the cases received on one Istanbul day for one
(office, channel, type). A counter broken down by one of those dimensions is
one column summed per dimension value; a counter broken down by a fixed list
(status, closure, score) is one column per key; brand and category live in
their own small tables (`ReportBrandDay`, `ReportCategoryDay`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.aggregates import Aggregate

from memnun.feedback.selectors.reports.catalogue import CATALOGUE, Kind, Part

# Metric field → the cell dimension it is (the rollup groups by it).
CELL_DIMENSIONS = {"channel": "channel", "type": "type", "office_id": "office_id"}
# Metric field → the side table that answers it.
SIDE_TABLES = {"brand_id", "category_id"}


@dataclass(frozen=True)
class CellColumn:
    name: str
    aggregate: Aggregate


def column_name(code: str, key: str = "", part: str = "") -> str:
    return "_".join(filter(None, [code.replace(".", "_"), key, part])).replace("-", "_")


def cell_columns() -> dict[str, Aggregate]:
    """Every counter column of a day cell, with how it is counted over the cell's cases."""
    columns: dict[str, Aggregate] = {}
    for metric in CATALOGUE:
        cases = metric.cases() if metric.cases else Q()
        if metric.kind is Kind.COUNT:
            columns[column_name(metric.code)] = Count("pk", filter=cases)
        elif metric.kind is Kind.MEAN:
            columns[column_name(metric.code, "", "sum")] = Sum(metric.field, filter=cases)
            columns[column_name(metric.code, "", "n")] = Count("pk", filter=cases)
        elif metric.kind in (Kind.BREAKDOWN, Kind.TABLE):
            if metric.field in SIDE_TABLES:
                continue
            parts: Mapping[str, Part | None] = metric.parts or {"": None}
            fixed = metric.field not in CELL_DIMENSIONS
            assert metric.keys is not None
            keys: Mapping[str, object] = metric.keys() if fixed else {"": None}
            for key, value in keys.items():
                for name, part in parts.items():
                    where = cases & (part.cases() if part else Q())
                    if fixed:
                        where &= Q(**{metric.field: value})
                    columns[column_name(metric.code, key, name)] = (
                        Sum(part.total, filter=where) if part and part.total
                        else Count("pk", filter=where)
                    )
    return columns


def counter_column(code: str, key: str, part: str) -> tuple[str, str | None]:
    """The cell column holding a counter, and the dimension to read its key from (if any)."""
    from memnun.feedback.selectors.reports.catalogue import METRICS

    metric = METRICS[code]
    if metric.field in CELL_DIMENSIONS and metric.kind in (Kind.BREAKDOWN, Kind.TABLE):
        return column_name(code, "", part), CELL_DIMENSIONS[metric.field]
    return column_name(code, key, part), None
