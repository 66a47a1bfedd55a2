"""The KPI answer as the dashboard's tables: every catalogue figure present, labelled, linked.

Generic over the catalogue: a figure is placed by its code, labelled by the
catalogue's label, and linked to the cases behind it (`drill_url`, the list
`views_reports.report_cases_list` shows through `selectors/reports/drill.py`).
A metric the catalogue gains appears on the page with its link without a
change here: in the section that claims its code's prefix, or under "More
figures". A key the answer lacks (an older or narrower answer) is skipped.

Value shapes (issue 10's KPI answer): a number or None; a breakdown
`{key: n}`; a table `{key: {column: value}}`; a list of rows with a
`handler` key (by handler). The period series `received.over_time` has its
own chart and table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.feedback.codes import Channel, Closure, FeedbackType, Status
from memnun.feedback.selectors.reports.catalogue import CATALOGUE, METRICS, NO_VALUE, Metric
from memnun.feedback.selectors.reports.drill import ABSENT, answer_at
from memnun.feedback.selectors.reports.over_time import unit_after
from memnun.feedback.selectors.reports.scope import Period, ReportFilters

_ONE_DAY = timedelta(days=1)


def drill_url(
    *, code: str, key: str | None = None, period: Period, filters: ReportFilters
) -> str:
    """The list of the cases behind a figure (the filters in force, the reviewer's office too)."""
    return _drill(code, key, _drill_tail(period, filters))


def _drill_tail(period: Period, filters: ReportFilters) -> tuple[str, str]:
    """What every figure's link of one dashboard shares: the list's path, period and filters."""
    params = {"from": period.start.isoformat(), "to": period.end.isoformat(), **filters.given()}
    return f"{reverse('desk:report_cases')}?", urlencode(params)


def _drill(code: str, key: str | None, tail: tuple[str, str]) -> str:
    path, shared = tail
    return f"{path}{urlencode({'metric': code, **({'key': key} if key else {})})}&{shared}"


def dashboard_url(*, period: Period, filters: ReportFilters) -> str:
    params = {"period": "custom", "start": period.start.isoformat(),
              "end": period.end.isoformat(), **filters.given()}
    return f"{reverse('desk:reports')}?{urlencode(params)}"


@dataclass(frozen=True)
class Names:
    """Display names of the codes a breakdown may be keyed by (offices, brands, categories)."""

    offices: Mapping[str, str]
    brands: Mapping[str, str]
    categories: Mapping[str, str]


def _choice(choices: Any) -> Callable[[str], str]:
    return lambda code: str(choices(code).label) if code in choices.values else code


def key_namer(code: str, names: Names) -> Callable[[str], str]:
    """How a breakdown's keys read, by what the breakdown is of (its code's last part)."""
    by = code.rpartition(".")[2]
    namers: Mapping[str, Callable[[str], str]] = {
        "by_channel": _choice(Channel), "by_type": _choice(FeedbackType),
        "status": _choice(Status), "closed": _choice(Closure), "by_closure": _choice(Closure),
        "by_office": lambda key: names.offices.get(key, key),
        "by_brand": lambda key: names.brands.get(key, key),
        "by_category": lambda key: names.categories.get(key, key),
    }
    namer = namers.get(by, str)
    return lambda key: _("Not given") if key in ("", NO_VALUE, "None") else namer(key)


# Column heads of the table-shaped figures (keys of the answer's inner objects).
_COLUMNS: Mapping[str, Any] = {
    "on_time": gettext_lazy("On time"), "late": gettext_lazy("Late"),
    "pending": gettext_lazy("Pending"), "rate": gettext_lazy("Rate (%)"),
    "open": gettext_lazy("Open"), "overdue": gettext_lazy("Overdue"),
    "oldest_days": gettext_lazy("Oldest (days)"), "responses": gettext_lazy("Responses"),
    "mean": gettext_lazy("Mean"), "cases": gettext_lazy("Cases"),
    "median": gettext_lazy("Median"), "p90": gettext_lazy("90th percentile"),
    "count": gettext_lazy("Count"), "amount": gettext_lazy("Amount"),
}


def _column(key: str) -> str:
    return str(_COLUMNS.get(key, key.replace("_", " ")))


@dataclass(frozen=True)
class Row:
    label: str
    cells: Sequence[object]
    url: str | None = None  # on the value when one cell, else on the label


@dataclass
class Table:
    id: str
    caption: str
    head: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    folded: bool = False  # a long series: behind its chart, opened on demand

    @property
    def link_on_label(self) -> bool:
        return len(self.columns) != 1


def table_id(code: str) -> str:
    return code.replace(".", "-").replace("_", "-")


def _linked(value: object) -> bool:
    """A figure links to its cases unless there are none to list."""
    return value is not None and value != 0 and value != "0"


@dataclass(frozen=True)
class Figures:
    """The tables of the figures present, and the answer they came from."""

    period: Period
    filters: ReportFilters
    names: Names

    @cached_property
    def _tail(self) -> tuple[str, str]:
        # A dashboard links a hundred figures or more: their shared part is built once.
        return _drill_tail(self.period, self.filters)

    def url(self, code: str, key: str | None = None) -> str:
        return _drill(code, key, self._tail)

    def breakdown(self, metric: Metric, value: Mapping[str, Any], head: str) -> Table:
        name = key_namer(metric.code, self.names)
        table = Table(table_id(metric.code), str(metric.label), head, [_("Cases")])
        cells = list(value.values())
        if cells and all(isinstance(v, Mapping) for v in cells):
            table.columns = [_column(c) for c in cells[0]]
            table.rows = [Row(name(str(k)), list(v.values()), self.url(metric.code, str(k)))
                          for k, v in value.items()]
            return table
        table.rows = [Row(name(str(k)), [v], self.url(metric.code, str(k)) if _linked(v) else None)
                      for k, v in value.items()]
        return table

    def listed(self, metric: Metric, value: Sequence[Mapping[str, Any]], head: str) -> Table:
        """Rows with a `handler` (by handler): the named person, their figures, their cases."""
        columns = [c for c in (value[0] if value else {}) if c not in ("handler", "name")]
        table = Table(table_id(metric.code), str(metric.label), head, [_column(c) for c in columns])
        for item in value:
            handler = item.get("handler")
            label = item.get("name") or handler or _("Not assigned")
            key = str(handler) if handler else NO_VALUE
            table.rows.append(Row(str(label), [item.get(c) for c in columns],
                                  self.url(metric.code, key)))
        return table

    def scalar(self, metric: Metric, value: object) -> Row:
        return Row(str(metric.label), [value], self.url(metric.code) if _linked(value) else None)


# The dashboard's sections, each claiming the catalogue codes under its prefixes; a code no
# section claims goes to "More figures". Order on the page is the catalogue's.
@dataclass(frozen=True)
class Section:
    id: str
    heading: Any
    head: Any  # the first column's head of its breakdown tables
    prefixes: tuple[str, ...]

    def claims(self, code: str) -> bool:
        return any(code == p or code.startswith(f"{p}.") for p in self.prefixes)


SECTIONS: tuple[Section, ...] = (
    Section("received", gettext_lazy("Received"), gettext_lazy("Received"), ("received",)),
    Section("acknowledgement", gettext_lazy("Acknowledgement"), gettext_lazy("Channel"),
            ("acknowledgement",)),
    Section("times", gettext_lazy("Time taken, in business hours"), gettext_lazy("Step"),
            ("resolution_business_hours", "times_business_hours", "resolved_within_target")),
    Section("outcome", gettext_lazy("Status and outcome"), gettext_lazy("Outcome"),
            ("status", "closed", "rejected_by_customer", "reopened", "escalated",
             "compensation")),
    Section("backlog", gettext_lazy("Open backlog now"), gettext_lazy("Open cases"),
            ("backlog",)),
    Section("satisfaction", gettext_lazy("Satisfaction with the handling"),
            gettext_lazy("Score"), ("satisfaction",)),
)
MORE = Section("more", gettext_lazy("More figures"), gettext_lazy("Figure"), ())
# Drawn as their own chart and table, not as rows.
_OWN_TABLE = frozenset({"received.over_time"})


@dataclass
class SectionFigures:
    section: Section
    scalars: Table
    tables: list[Table] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)  # drawn by the view, beside the tables

    @property
    def empty(self) -> bool:
        return not self.scalars.rows and not self.tables


def _section_of(code: str) -> Section:
    return next((s for s in SECTIONS if s.claims(code)), MORE)


def _present(answer: Mapping[str, Any]) -> Iterator[tuple[Metric, Any]]:
    for metric in CATALOGUE:
        value = answer_at(answer, metric.code)
        if value is not ABSENT and metric.code not in _OWN_TABLE:
            yield metric, value


def sections(answer: Mapping[str, Any], figures: Figures) -> dict[str, SectionFigures]:
    """Every section's tables, keyed by section id; the empty ones left out."""
    found = {
        s.id: SectionFigures(s, Table(f"{s.id}-figures", str(s.heading), str(_("Figure")),
                                      [_("Value")]))
        for s in (*SECTIONS, MORE)
    }
    for metric, value in _present(answer):
        section = found[_section_of(metric.code).id]
        head = str(section.section.head)
        if isinstance(value, Mapping):
            section.tables.append(figures.breakdown(metric, value, head))
        elif isinstance(value, list):
            section.tables.append(figures.listed(metric, value, head))
        else:
            section.scalars.rows.append(figures.scalar(metric, value))
    return {key: s for key, s in found.items() if not s.empty}


def over_time_rows(
    over_time: Mapping[str, Any], figures: Figures
) -> tuple[list[str], Table]:
    """The series' axis labels, and its table: each unit linked to its received cases."""
    unit = over_time["unit"]
    table = Table("received-over-time", _("Received over time"), _("From"), [_("Cases")],
                  folded=True)
    labels = []
    for point in over_time["points"]:
        start = date.fromisoformat(point["start"])
        # The unit as far as it lies in the period: its cases are the figure's.
        first = max(start, figures.period.start)
        last = min(unit_after(start, unit), figures.period.end + _ONE_DAY) - _ONE_DAY
        label = start.strftime("%d.%m") if unit != "month" else start.strftime("%m.%Y")
        labels.append(label)
        url = drill_url(code="received.total", period=Period(first, last),
                        filters=figures.filters) if _linked(point["count"]) else None
        table.rows.append(Row(start.strftime("%d.%m.%Y"), [point["count"]], url))
    return labels, table


def metric_label(code: str) -> str:
    return str(METRICS[code].label)
