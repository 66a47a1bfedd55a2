"""The report answers as rows: the KPI answer flattened generically, the Pareto items.

The KPI answer is walked, not listed: every number in it becomes a row
`(metric, label, key, value)`, where `metric` is the longest catalogue code the
figure's dotted place starts with (`received.by_channel`), `key` the rest of the
place (`web`, or `web.on_time` for a breakdown of breakdowns) and `label` the
catalogue's. So a figure the KPI selector gains later is exported without a
change here. A list in the answer (per handler, per day) has one row per item
and figure, keyed by the item's first text (its handler's username, its day);
other texts of an item (a handler's full name) are descriptions, not figures,
and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from memnun.feedback.exports.writers import Cell
from memnun.feedback.selectors.reports.catalogue import METRICS

KPI_HEADER = ["metric", "label", "key", "value"]
PARETO_HEADER = ["by", "key", "label", "count", "share", "cumulative"]
# What the answer says about itself, not a figure.
_ABOUT = ("from", "to", "filters")


def _text_fields(items: list[Any]) -> list[str]:
    """The fields that hold text in some item of a list (a username, a staff name), in order:
    they name an item, they are not figures, even where one item has none (the unassigned)."""
    fields: dict[str, None] = {}
    for item in items:
        if isinstance(item, Mapping):
            fields |= {name: None for name, value in item.items() if isinstance(value, str)}
    return list(fields)


def _leaves(place: list[str], node: object) -> Iterator[tuple[list[str], Cell]]:
    if isinstance(node, Mapping):
        for key, child in node.items():
            yield from _leaves([*place, str(key)], child)
    elif isinstance(node, list):
        texts = _text_fields(node)
        for index, item in enumerate(node):
            if not isinstance(item, Mapping):
                yield [*place, str(index)], item
                continue
            key = item.get(texts[0]) if texts else None
            label = "none" if key is None else key  # e.g. the unassigned cases' handler
            for name, value in item.items():
                if name not in texts:
                    yield from _leaves([*place, label, name], value)
    else:
        yield place, cast(Cell, node)


def _metric(place: list[str]) -> tuple[str, str]:
    """The catalogue code the place starts with (the longest), and the rest as the key."""
    for cut in range(len(place), 0, -1):
        code = ".".join(place[:cut])
        if code in METRICS:
            return code, ".".join(place[cut:])
    # Not in the catalogue (yet): the place's first part names the figure.
    return place[0], ".".join(place[1:])


def kpi_rows(answer: Mapping[str, Any]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for name, node in answer.items():
        if name in _ABOUT:
            continue
        for place, value in _leaves([name], node):
            code, key = _metric(place)
            metric = METRICS.get(code)
            rows.append([code, str(metric.label) if metric else "", key, value])
    return rows


def pareto_rows(answer: Mapping[str, Any]) -> list[list[Cell]]:
    return [
        [answer["by"], item["key"], item["label"], item["count"], item["share"],
         item["cumulative"]]
        for item in answer["items"]
    ]
