"""The management review pack of a period (ISO 10002 8.6, R8.6): the one home of its data.

`review_pack()` assembles every section as plain tables (a title, column heads, rows of
numbers and texts) and chart specifications (a chart function's name and its data);
the PDF and the XLSX (`desk/review_pack_render.py`) only lay
them out, so both files always hold the same figures. Every figure is read from the
selector that gives it elsewhere, never recomputed here:

- objectives: `reports/objectives.objectives_progress` (the period holding the pack's
  last day, and the trend of the 12 periods ending with it);
- KPI trends and satisfaction: `reports/kpi.kpi`, the answer of `GET /api/v1/reports/kpi`
  for the same period (and for the period of the same length just before it);
- Pareto: `reports/pareto.pareto` (`GET /api/v1/reports/pareto`), repeat clusters
  `reports/repeat_clusters.repeat_clusters`;
- internal audit: `process_audit.audit_conformance` (audits finished in the period);
- CAPA: `capa.capa_summary`; backlog and capacity: the KPI's backlog (now) and
  `capacity.capacity_by_office` (now);
- the previous review's decisions and their status today: `management_review.review_previous`.

Shares (0–1: a Pareto share, a conformance share) are kept as shares, with their columns
marked `percent`; the KPI's rates are percentages already, as the API gives them. Texts
are in the active language: call it inside `translation.override`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from memnun.accounts.models import User
from memnun.feedback.capa_codes import CapaStatus, CheckResult
from memnun.feedback.codes import Closure
from memnun.feedback.selectors.capa import capa_summary
from memnun.feedback.selectors.capacity import capacity_by_office
from memnun.feedback.selectors.management_review import review_previous
from memnun.feedback.selectors.process_audit import audit_conformance
from memnun.feedback.selectors.reports.catalogue import METRICS
from memnun.feedback.selectors.reports.kpi import kpi
from memnun.feedback.selectors.reports.objectives import (
    figure_at,
    objective_metric_label,
    objectives_progress,
)
from memnun.feedback.selectors.reports.pareto import pareto
from memnun.feedback.selectors.reports.repeat_clusters import repeat_clusters
from memnun.feedback.selectors.reports.scope import Period, ReportFilters
from memnun.organisation.models import Office

Cell = str | int | float | Decimal | None
CLUSTERS_SHOWN = 20
PARETO_BY = ("category", "root_cause_category")


@dataclass(frozen=True)
class PackTable:
    key: str  # stable, for anchors and tests
    title: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    percent: tuple[int, ...] = ()  # columns holding shares 0–1, shown as percentages


@dataclass(frozen=True)
class PackChart:
    kind: str  # the name of a chart function of desk/charts.py
    args: dict[str, Any]


@dataclass(frozen=True)
class PackSection:
    key: str
    title: str
    sheet: str  # the XLSX sheet's name (31 characters at most)
    note: str = ""
    tables: list[PackTable] = field(default_factory=list)
    charts: list[PackChart] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewPack:
    period: Period
    previous_period: Period
    made_at: datetime
    sections: list[PackSection]
    kpi: dict[str, Any]  # the KPI answer of the period, as the API gives it

    def section(self, key: str) -> PackSection:
        return next(s for s in self.sections if s.key == key)


def previous_period(period: Period) -> Period:
    """The period of the same length just before (what a KPI trend compares with)."""
    days = (period.end - period.start).days + 1
    return Period(start=period.start - timedelta(days=days),
                  end=period.start - timedelta(days=1))


@dataclass
class _Reads:
    """What several sections share, read once."""

    viewer: User
    period: Period
    now: datetime
    kpi_now: dict[str, Any]
    kpi_before: dict[str, Any]
    offices: dict[str, str]


# The sections, in the pack's order, with their titles (the progress shows them too).
SECTION_TITLES: dict[str, Promise] = {
    "objectives": gettext_lazy("Objectives against targets"),
    "kpi": gettext_lazy("KPI trends"),
    "pareto": gettext_lazy("Pareto and recurring problems"),
    "satisfaction": gettext_lazy("Satisfaction with complaints handling"),
    "audit": gettext_lazy("Internal audit results"),
    "capa": gettext_lazy("Corrective actions (CAPA) status"),
    "backlog": gettext_lazy("Backlog and capacity"),
    "previous": gettext_lazy("Decisions of the previous review"),
}
SECTIONS: tuple[str, ...] = tuple(SECTION_TITLES)


# --- The sections --------------------------------------------------------------------


def _objectives(r: _Reads) -> PackSection:
    today = min(r.period.end, timezone.localdate(r.now))
    progress = objectives_progress(viewer=r.viewer, today=today)
    main, trend, charts = [], [], []
    for p in progress:
        o = p.objective
        name = objective_metric_label(o.metric)
        scope = ", ".join(x for x in (o.office.name if o.office else "",
                                      o.brand.name if o.brand else "") if x) or _("Everywhere")
        main.append((name, scope, f"{p.period.start:%d.%m.%Y} – {p.period.end:%d.%m.%Y}",
                     o.get_direction_display(), o.target, p.actual, p.verdict_label))
        for point in p.trend:
            trend.append((name, scope, f"{point.period.start:%m.%Y}", point.value, o.target))
        charts.append(PackChart("trend_chart", {
            "title": f"{name} · {scope}", "series": name,
            "labels": [f"{pt.period.start:%m.%y}" for pt in p.trend],
            "values": [None if pt.value is None else float(pt.value) for pt in p.trend],
            "target_label": _("Target"), "target": float(o.target),
        }))
    return PackSection(
        "objectives", str(SECTION_TITLES["objectives"]), _("Objectives"),
        note=_("Approved objectives, measured over the month or quarter holding the "
               "period's last day, with the trend of the twelve periods ending with it."),
        tables=[
            PackTable("objectives", _("Objectives"), (
                _("Objective"), _("Scope"), _("Period"), _("Direction"), _("Target"),
                _("Actual"), _("Result")), main),
            PackTable("objective-trends", _("Trend"), (
                _("Objective"), _("Scope"), _("Period"), _("Actual"), _("Target")), trend),
        ],
        charts=charts,
    )


# (code in the KPI answer, label) of the figures compared period on period.
def _trend_figures() -> list[tuple[str, str]]:
    def label(code: str) -> str:
        return str(METRICS[code].label)

    return [
        ("received.total", label("received.total")),
        ("acknowledgement.rate", label("acknowledgement.rate") + " (%)"),
        ("resolved_within_target.rate", label("resolved_within_target.rate")),
        ("times_business_hours.close.median",
         label("times_business_hours.close") + " · " + _("median, business hours")),
        ("rejected_by_customer", label("rejected_by_customer")),
        ("reopened", label("reopened")),
        ("escalated", label("escalated")),
        ("compensation.count", label("compensation.count")),
        ("satisfaction.mean", label("satisfaction.mean")),
    ]


def _kpi_trends(r: _Reads) -> PackSection:
    rows: list[tuple[Cell, ...]] = []
    for code, label in _trend_figures():
        now_value, earlier = figure_at(r.kpi_now, code), figure_at(r.kpi_before, code)
        change = now_value - earlier if now_value is not None and earlier is not None else None
        rows.append((label, _value(r.kpi_now, code), _value(r.kpi_before, code), change))
    over = r.kpi_now["received"]["over_time"]
    points = [(p["start"], p["count"]) for p in over["points"]]
    before = previous_period(r.period)
    return PackSection(
        "kpi", str(SECTION_TITLES["kpi"]), _("KPI trends"),
        note=_("This period against the period of the same length before it "
               "(%(from)s – %(to)s).") % {"from": f"{before.start:%d.%m.%Y}",
                                          "to": f"{before.end:%d.%m.%Y}"},
        tables=[
            PackTable("kpi-figures", _("Key figures"),
                      (_("Figure"), _("This period"), _("Period before"), _("Difference")), rows),
            PackTable("kpi-received", _("Received over time"),
                      (_("From"), _("Received")), list(points)),
        ],
        charts=[PackChart("volume_chart", {
            "title": _("Received over time"), "series": _("Received"),
            "labels": [start for start, _n in points], "counts": [n for _s, n in points],
        })],
    )


def _value(answer: dict[str, Any], code: str) -> Cell:
    """The answer's own value at `code` (an int stays an int, a float a float)."""
    value: Any = answer
    for part in code.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _pareto(r: _Reads) -> PackSection:
    tables, charts = [], []
    for by in PARETO_BY:
        answer = pareto(period=r.period, by=by, filters=ReportFilters(), viewer=r.viewer)
        items = [i for i in answer["items"] if i["count"]]
        title = _("Complaints by category") if by == "category" else \
            _("Complaints by root cause category")
        tables.append(PackTable(
            f"pareto-{by}", title, (_("Key"), _("Complaints"), _("Share"), _("Cumulative")),
            [(i["label"], i["count"], i["share"], i["cumulative"]) for i in items],
            percent=(2, 3),
        ))
        if items:
            charts.append(PackChart("pareto_chart", {
                "title": title, "count_label": _("Complaints"),
                "cumulative_label": _("Cumulative share"),
                "labels": [i["label"] for i in items], "counts": [i["count"] for i in items],
                "cumulative": [i["cumulative"] for i in items],
            }))
    clusters, _scoped = repeat_clusters(period=r.period, filters=ReportFilters(),
                                        viewer=r.viewer)
    tables.append(PackTable(
        "repeat-clusters", _("Recurring problems: repeat clusters"),
        (_("Cases"), _("Joined by"), _("First"), _("Last"), _("Offices"), _("References")),
        [(c.size, ", ".join(c.match_labels),
          f"{timezone.localtime(c.first_received):%d.%m.%Y}",
          f"{timezone.localtime(c.last_received):%d.%m.%Y}",
          ", ".join(r.offices.get(o, o) for o in c.offices), " ".join(c.references))
         for c in clusters[:CLUSTERS_SHOWN]],
    ))
    return PackSection(
        "pareto", str(SECTION_TITLES["pareto"]), _("Pareto and repeats"),
        note=_("Complaints received in the period; the %(n)s largest repeat clusters "
               "(of %(all)s).") % {"n": min(CLUSTERS_SHOWN, len(clusters)),
                                  "all": len(clusters)},
        tables=tables, charts=charts,
    )


def _satisfaction(r: _Reads) -> PackSection:
    s = r.kpi_now["satisfaction"]
    overall = [
        (str(METRICS["satisfaction.sent"].label), s["sent"]),
        (str(METRICS["satisfaction.responses"].label), s["responses"]),
        (str(METRICS["satisfaction.response_rate"].label) + " (%)", s["response_rate"]),
        (str(METRICS["satisfaction.mean"].label), s["mean"]),
    ]
    scores = list(s["distribution"].items())
    by_office = [(r.offices.get(code, code), g["responses"], g["mean"])
                 for code, g in s["by_office"].items()]
    by_closure = [(str(Closure(code).label) if code in Closure.values else code,
                   g["responses"], g["mean"]) for code, g in s["by_closure"].items()]
    return PackSection(
        "satisfaction", str(SECTION_TITLES["satisfaction"]), _("Satisfaction"),
        note=_("The survey answers of the cases received in the period (scores 1–5)."),
        tables=[
            PackTable("satisfaction", _("Satisfaction"), (_("Figure"), _("Value")), overall),
            PackTable("satisfaction-scores", str(METRICS["satisfaction.distribution"].label),
                      (_("Score"), _("Responses")), scores),
            PackTable("satisfaction-offices", str(METRICS["satisfaction.by_office"].label),
                      (_("Office"), _("Responses"), _("Mean")), by_office),
            PackTable("satisfaction-closure", str(METRICS["satisfaction.by_closure"].label),
                      (_("Closure"), _("Responses"), _("Mean")), by_closure),
        ],
        charts=[PackChart("bar_chart", {
            "title": str(METRICS["satisfaction.distribution"].label), "series": _("Responses"),
            "labels": [score for score, _n in scores], "values": [n for _s, n in scores],
        })],
    )


def _audit(r: _Reads) -> PackSection:
    report = audit_conformance(user=r.viewer, between=(r.period.start, r.period.end))
    rows = [(row.period, row.who, row.tally.passed, row.tally.failed,
             row.tally.not_applicable, row.tally.share) for row in report.offices]
    charts = []
    if report.periods:
        charts.append(PackChart("share_line_chart", {
            "title": _("Checklist items passed per office (%)"), "labels": report.periods,
            "series": report.office_series(),
        }))
    return PackSection(
        "audit", str(SECTION_TITLES["audit"]), _("Internal audit"),
        note=_("Process audits finished in the period: checklist items passed of those "
               "that applied, per office."),
        tables=[PackTable(
            "audit-offices", _("Conformance per office"),
            (_("Audit"), _("Office"), _("Passed"), _("Failed"), _("Not applicable"),
             _("Conformance")), rows, percent=(5,))],
        charts=charts,
    )


def _capa(r: _Reads) -> PackSection:
    first, after = r.period.bounds()
    s = capa_summary(user=r.viewer, first=first, after=after, now=r.now)
    now_rows: list[tuple[Cell, ...]] = [
        (str(CapaStatus(code).label), n) for code, n in s.by_status.items()]
    now_rows += [(_("Open (not closed)"), s.open), (_("Open with an overdue action"), s.overdue)]
    period_rows: list[tuple[Cell, ...]] = [
        (_("Opened"), s.opened), (_("Closed"), s.closed),
        *((_("Effectiveness checks: %(result)s") % {"result": CheckResult(code).label}, n)
          for code, n in s.checks.items()),
    ]
    return PackSection(
        "capa", str(SECTION_TITLES["capa"]), _("CAPA"),
        tables=[
            PackTable("capa-now", _("The register today"), (_("Status"), _("CAPAs")), now_rows),
            PackTable("capa-period", _("In the period"), (_("Figure"), _("Count")),
                      period_rows),
        ],
    )


def _backlog(r: _Reads) -> PackSection:
    b = r.kpi_now["backlog"]
    totals = [(str(METRICS["backlog.open"].label), b["open"]),
              (str(METRICS["backlog.overdue"].label), b["overdue"])]
    ages = [(band, n) for band, n in b["age_days"].items()]
    offices = [(r.offices.get(code, code), o["open"], o["overdue"], o["oldest_days"])
               for code, o in b["by_office"].items()]
    capacity = [(c.name, c.open_cases, c.median_age_days, c.handlers, c.trained_handlers)
                for c in capacity_by_office(user=r.viewer, now=r.now)]
    return PackSection(
        "backlog", str(SECTION_TITLES["backlog"]), _("Backlog and capacity"),
        note=_("The open cases now, whatever the period."),
        tables=[
            PackTable("backlog", _("Backlog"), (_("Figure"), _("Cases")), totals),
            PackTable("backlog-ages", str(METRICS["backlog.age_days"].label),
                      (_("Days open"), _("Cases")), ages),
            PackTable("backlog-offices", str(METRICS["backlog.by_office"].label),
                      (_("Office"), _("Open"), _("Overdue"), _("Oldest (days)")), offices),
            PackTable("capacity", _("Capacity per office"),
                      (_("Office"), _("Open cases"), _("Median age (days)"), _("Handlers"),
                       _("Trained handlers")), capacity),
        ],
        charts=[PackChart("bar_chart", {
            "title": str(METRICS["backlog.age_days"].label), "series": _("Cases"),
            "labels": [band for band, _n in ages], "values": [n for _b, n in ages],
        })],
    )


def _previous(r: _Reads, exclude: int | None) -> PackSection:
    review = review_previous(before=r.period.end, exclude=exclude)
    if review is None:
        return PackSection("previous", str(SECTION_TITLES["previous"]),
                           _("Previous decisions"),
                           note=_("No earlier management review is approved."),
                           tables=[PackTable("previous-decisions", _("Decisions"), (
                               _("Decision"), _("Resulting action"), _("Link"), _("Status")),
                               [])])
    rows: list[tuple[Cell, ...]] = [
        (d.text, d.get_action_display(),
         d.capa.number if d.capa else (str(d.objective) if d.objective else ""),
         d.get_status_display())
        for d in review.decisions.all()
    ]
    return PackSection(
        "previous", str(SECTION_TITLES["previous"]), _("Previous decisions"),
        note=_("The review of %(date)s (period %(from)s – %(to)s); each decision's status "
               "today.") % {"date": f"{review.meeting_on:%d.%m.%Y}",
                            "from": f"{review.period_from:%d.%m.%Y}",
                            "to": f"{review.period_to:%d.%m.%Y}"},
        tables=[PackTable("previous-decisions", _("Decisions"), (
            _("Decision"), _("Resulting action"), _("Link"), _("Status")), rows)],
    )




def review_pack(
    *, viewer: User, period: Period, now: datetime | None = None,
    progress: Callable[[int, str], None] | None = None, review_id: int | None = None,
) -> ReviewPack:
    """Every section of the pack for `period`, as `viewer` may read the reports.

    NotPermitted when the viewer may not read the reports, the CAPA register or the
    process audits. `progress(n, title)` is told before each section is assembled
    (n from 1); `review_id` leaves that review out of "the previous review".
    """
    at = now or timezone.now()
    reads = _Reads(
        viewer=viewer, period=period, now=at,
        kpi_now=kpi(period=period, filters=ReportFilters(), viewer=viewer, now=at),
        kpi_before=kpi(period=previous_period(period), filters=ReportFilters(),
                       viewer=viewer, now=at),
        offices=dict(Office.objects.values_list("code", "name")),
    )
    builders: dict[str, Callable[[], PackSection]] = {
        "objectives": lambda: _objectives(reads),
        "kpi": lambda: _kpi_trends(reads),
        "pareto": lambda: _pareto(reads),
        "satisfaction": lambda: _satisfaction(reads),
        "audit": lambda: _audit(reads),
        "capa": lambda: _capa(reads),
        "backlog": lambda: _backlog(reads),
        "previous": lambda: _previous(reads, review_id),
    }
    sections = []
    for n, key in enumerate(SECTIONS, start=1):
        if progress is not None:
            progress(n, str(SECTION_TITLES[key]))
        sections.append(builders[key]())
    return ReviewPack(period=period, previous_period=previous_period(period), made_at=at,
                      sections=sections, kpi=reads.kpi_now)
