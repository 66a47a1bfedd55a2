"""The export buttons' hidden fields: the page's own period and filters, as codes."""

from __future__ import annotations

from typing import Any

from django import template

from memnun.feedback.exports.tables import QUEUE_FILTERS, REPORT_FILTERS, Source
from memnun.feedback.selectors.reports import PARETO_KEYS

register = template.Library()


@register.simple_tag(takes_context=True)
def export_fields(context: Any, source: str) -> list[tuple[str, str]]:
    """What the page shows, for the export to cover the same: (name, value) pairs."""
    query = context["request"].GET
    if source == Source.QUEUE:
        return [(name, query[name]) for name in QUEUE_FILTERS if query.get(name)]
    # The period the dashboard resolved (a preset becomes its dates), else as asked.
    period = context.get("period")
    start, end = (
        (period.start.isoformat(), period.end.isoformat()) if period is not None
        else (query.get("start", ""), query.get("end", ""))
    )
    fields = [("start", start), ("end", end)]
    fields += [(name, query[name]) for name in REPORT_FILTERS if query.get(name)]
    return [*fields, ("by", query.get("by") or next(iter(PARETO_KEYS)))]
