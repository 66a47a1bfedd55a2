"""The metric catalogue: every figure of the KPI report, one row each.

A row's `code` is its place in the KPI answer (`acknowledgement.on_time` is
`{"acknowledgement": {"on_time": …}}`); objectives, drill-down links and exports
name metrics by it. `definition` says how the figure is computed, for the docs
and the dashboard; `cases` is the same rule as a database condition.

How each kind is computed (`kpi.py`):
- COUNT, BREAKDOWN, MEAN, TABLE: conditional counts and sums over the period's
  cases (the *counters*, one aggregate query; the rollup stores the same counters);
  a breakdown counts the cases of each of its `keys` (every key present, 0 when
  none), a mean is a sum over a count, a TABLE gives each key the `parts` counted;
- RATE: derived from other figures of the answer (`derive`);
- DURATION, BUSINESS_HOURS: the stored report facts (`feedback/report_facts.py`,
  tenths of a business hour), median and 90th percentile;
- OVER_TIME, COMPENSATION, BY_HANDLER: grouped queries of their own;
- NOW: the open backlog *now*, whatever the period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import Channel, Closure, FeedbackType, ObligationKind, Status
from memnun.feedback.models import CustomerAnswer, Obligation, StageChange
from memnun.organisation.models import Brand, Category, Office


class Kind(StrEnum):
    COUNT = "count"
    BREAKDOWN = "breakdown"
    MEAN = "mean"
    TABLE = "table"
    RATE = "rate"
    BUSINESS_HOURS = "business_hours"
    DURATION = "duration"
    OVER_TIME = "over_time"
    COMPENSATION = "compensation"
    BY_HANDLER = "by_handler"
    NOW = "now"


@dataclass(frozen=True)
class Part:
    """One counted column of a TABLE row: the cases counted, or `total` of a field over them."""

    cases: Callable[[], Q]
    total: str = ""


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise
    definition: Promise
    kind: Kind
    # The cases counted (COUNT, BREAKDOWN, TABLE), averaged (MEAN), that a RATE is a share
    # of (its denominator) or a BY_HANDLER row measures; every case when None (a TABLE
    # without one: the cases of any of its parts). The drill-down lists them.
    cases: Callable[[], Q] | None = None
    # BREAKDOWN, TABLE, BY_HANDLER: the field compared with each key's value; MEAN: the
    # field averaged; DURATION, BUSINESS_HOURS: the report fact (tenths of a business hour).
    field: str = ""
    # BREAKDOWN, TABLE: key in the answer → the field's value for it.
    keys: Callable[[], Mapping[str, object]] | None = None
    # TABLE: the parts counted for each key, and the key's value made of them.
    parts: Mapping[str, Part] = dataclasses.field(default_factory=dict)
    row: Callable[[Mapping[str, int]], object] | None = None
    # RATE: the figure from the rest of the answer.
    derive: Callable[[Mapping[str, Any]], object] | None = None


def _timed(text: Promise) -> Promise:
    return format_lazy("{} {}", text, _PERCENTILES)  # type: ignore[return-value]


def _codes(choices: Sequence[str]) -> Callable[[], Mapping[str, object]]:
    return lambda: {code: code for code in choices}


def _offices() -> Mapping[str, object]:
    return dict(Office.objects.order_by("code").values_list("code", "pk"))


def _brands() -> Mapping[str, object]:
    return dict(Brand.objects.order_by("code").values_list("code", "pk"))


def _categories() -> Mapping[str, object]:
    return dict(Category.objects.order_by("code").values_list("code", "pk"))


# The acknowledgement's states, as `Feedback.ack_on_time` judges one case; a case
# with no acknowledgement deadline cannot have missed it.
def _ack_on_time() -> Q:
    return Q(ack_sent_at__isnull=False) & (
        Q(ack_due_at__isnull=True) | Q(ack_sent_at__lte=F("ack_due_at"))
    )


def _ack_late() -> Q:
    return Q(ack_sent_at__gt=F("ack_due_at"))


def _ack_pending() -> Q:
    return Q(ack_sent_at__isnull=True)


def _rejected() -> Q:
    return Q(Exists(CustomerAnswer.objects.filter(feedback=OuterRef("pk"), accept=False)))


def _reopened() -> Q:
    # Closed is left only by reopening: a closing stage followed by any later stage.
    later = StageChange.objects.filter(feedback=OuterRef("feedback"), pk__gt=OuterRef("pk"))
    closings = StageChange.objects.filter(feedback=OuterRef("pk"), status=Status.CLOSED)
    return Q(Exists(closings.filter(Exists(later))))


def _closed() -> Q:
    return Q(status=Status.CLOSED)


def _surveyed() -> Q:
    return Q(survey__isnull=False)


def _survey_sent() -> Q:
    # The closing message carries the survey link only with the customer's live consent to
    # the survey (messaging.message_closed stamps it); a case reopened since was still sent one.
    return Q(survey_sent_at__isnull=False)


def _resolution_met(*, within: bool) -> Callable[[], Q]:
    def cases() -> Q:
        met = Obligation.objects.filter(
            feedback=OuterRef("pk"), kind=ObligationKind.RESOLUTION, met_at__isnull=False
        )
        if within:
            met = met.filter(met_at__lte=F("due_at"))
        return Q(Exists(met))
    return cases


def _escalated() -> Q:
    return Q(escalation_level__gt=0)


def rate(part: int, whole: int) -> float | None:
    """A percentage to one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def mean(total: int | None, count: int) -> float | None:
    """A mean to two decimals; None when nothing was counted."""
    return round(total / count, 2) if count and total is not None else None


def acknowledgement_rate(*, on_time: int, late: int) -> float | None:
    """The share (%) of the acknowledgements sent that were on time; None before any was sent."""
    return rate(on_time, on_time + late)


def _ack_row(parts: Mapping[str, int]) -> dict[str, object]:
    return {**parts, "rate": acknowledgement_rate(on_time=parts["on_time"], late=parts["late"])}


def _survey_row(parts: Mapping[str, int]) -> dict[str, object]:
    return {"responses": parts["responses"], "mean": mean(parts["score"], parts["responses"])}


_ACK_PARTS = {"on_time": Part(_ack_on_time), "late": Part(_ack_late),
              "pending": Part(_ack_pending)}
_SURVEY_PARTS = {"responses": Part(_surveyed), "score": Part(_surveyed, total="survey__score")}

# The closures the contract reports (a response sent closes suggestions and the like).
REPORTED_CLOSURES = [Closure.CUSTOMER_AGREED, Closure.OPTIONS_EXHAUSTED, Closure.MERGED]
# A merged case cannot be rated.
SURVEYED_CLOSURES = [Closure.CUSTOMER_AGREED, Closure.OPTIONS_EXHAUSTED, Closure.RESPONSE_SENT]
SCORES = {str(score): score for score in range(1, 6)}
# The durations reported, by their key in `times_business_hours`, with the fact read.
DURATIONS = {
    "acknowledgement": "ack_tenths",
    "first_response": "first_response_tenths",
    "decision": "decision_tenths",
    "close": "close_tenths",
}
# A breakdown's key for the cases without a value (the answer writes them under null).
NO_VALUE = "none"
# Backlog ages in whole days since receipt: key → (from, to) inclusive; None: no end.
AGE_BANDS: Mapping[str, tuple[int, int | None]] = {
    "0-2": (0, 2), "3-7": (3, 7), "8-30": (8, 30), "31+": (31, None),
}

_PERCENTILES = _(
    "Median and 90th percentile (linear between the nearest ranks) in business hours, to"
    " two decimals, none without cases; `cases` counts the durations measured."
)

CATALOGUE: tuple[Metric, ...] = (
    Metric("received.total", _("Received"),
           _("Feedback received in the period (by the Istanbul date of its receipt)."),
           Kind.COUNT),
    Metric("received.by_channel", _("Received by channel"),
           _("Feedback received, by the channel it came through."),
           Kind.BREAKDOWN, field="channel", keys=_codes(Channel.values)),
    Metric("received.by_type", _("Received by type"),
           _("Feedback received, by type (complaint, suggestion, compliment, request)."),
           Kind.BREAKDOWN, field="type", keys=_codes(FeedbackType.values)),
    Metric("received.by_office", _("Received by office"),
           _("Feedback received, by the office handling it."),
           Kind.BREAKDOWN, field="office_id", keys=_offices),
    Metric("received.by_brand", _("Received by brand"),
           _("Feedback received, by the known brand it names (an unrecognised brand is in"
             " none)."),
           Kind.BREAKDOWN, field="brand_id", keys=_brands),
    Metric("received.by_category", _("Received by category"),
           _("Feedback received, by its category (set by the initial assessment; a case not"
             " yet assessed is in none)."),
           Kind.BREAKDOWN, field="category_id", keys=_categories),
    Metric("received.over_time", _("Received over time"),
           _("Feedback received per day (periods up to 31 days), per week (Monday to Sunday,"
             " up to 26 weeks) or per month; each point starts on its first day inside the"
             " period."),
           Kind.OVER_TIME),
    Metric("acknowledgement.on_time", _("Acknowledged on time"),
           _("Acknowledged by its deadline."), Kind.COUNT, cases=_ack_on_time),
    Metric("acknowledgement.late", _("Acknowledged late"),
           _("Acknowledged after its deadline."), Kind.COUNT, cases=_ack_late),
    Metric("acknowledgement.pending", _("Not yet acknowledged"),
           _("Not acknowledged yet, whether its deadline has passed or not."),
           Kind.COUNT, cases=_ack_pending),
    Metric("acknowledgement.rate", _("Acknowledgement on-time rate"),
           _("On time as a percentage of the acknowledgements sent (on time and late), to one"
             " decimal; none before any was sent."),
           Kind.RATE, cases=lambda: _ack_on_time() | _ack_late(),
           derive=lambda a: acknowledgement_rate(
               on_time=a["acknowledgement"]["on_time"], late=a["acknowledgement"]["late"])),
    Metric("acknowledgement.by_channel", _("Acknowledgement by channel"),
           _("On time, late and pending, and the on-time rate, for each channel."),
           Kind.TABLE, field="channel", keys=_codes(Channel.values), parts=_ACK_PARTS,
           row=_ack_row),
    Metric("times_business_hours.acknowledgement", _("Time to acknowledge"),
           _timed(_("Business hours of the case's office from receipt to the acknowledgement sent"
             " (0 when given on the spot).")),
           Kind.DURATION, field=DURATIONS["acknowledgement"]),
    Metric("times_business_hours.first_response", _("Time to first response"),
           _timed(_("Business hours from receipt to the first substantive written response (the"
             " first-response deadline met).")),
           Kind.DURATION, field=DURATIONS["first_response"]),
    Metric("times_business_hours.decision", _("Time to decision"),
           _timed(_("Business hours from receipt to the first approved resolution (the first time"
             " the case reached resolved).")),
           Kind.DURATION, field=DURATIONS["decision"]),
    Metric("times_business_hours.close", _("Time to close"),
           _timed(_("Business hours from receipt to the first closure (merges included).")),
           Kind.DURATION, field=DURATIONS["close"]),
    Metric("status", _("By status now"), _("The feedback received, by its status today."),
           Kind.BREAKDOWN, field="status", keys=_codes(Status.values)),
    Metric("closed", _("Closed, by closure"),
           _("Closed cases by how they closed: the customer agreed, all reasonable options"
             " exhausted, or merged into another case."),
           Kind.BREAKDOWN, cases=_closed, field="closure", keys=_codes(REPORTED_CLOSURES)),
    Metric("rejected_by_customer", _("Rejected by the customer"),
           _("Cases whose customer rejected a resolution at least once."),
           Kind.COUNT, cases=_rejected),
    Metric("reopened", _("Reopened"),
           _("Cases reopened after closing at least once."), Kind.COUNT, cases=_reopened),
    Metric("resolved_within_target.resolved", _("Resolutions given"),
           _("Cases whose resolution deadline is met: a first decision was given."),
           Kind.COUNT, cases=_resolution_met(within=False)),
    Metric("resolved_within_target.within", _("Resolved within the target"),
           _("Of those, the cases whose decision came by the resolution deadline (which"
             " pauses while the customer is asked)."),
           Kind.COUNT, cases=_resolution_met(within=True)),
    Metric("resolved_within_target.rate", _("Resolved within the target (%)"),
           _("Resolved within the target as a percentage of the resolutions given, to one"
             " decimal; none without any."),
           Kind.RATE, cases=_resolution_met(within=False),
           derive=lambda a: rate(a["resolved_within_target"]["within"],
                                            a["resolved_within_target"]["resolved"])),
    Metric("backlog.open", _("Open now"),
           _("Open cases now (any status but closed) matching the filters, whatever their"
             " date of receipt."), Kind.NOW),
    Metric("backlog.overdue", _("Overdue now"),
           _("Open cases whose next running deadline has passed, as the work queue shows"
             " them late (paused deadlines do not count)."), Kind.NOW),
    Metric("backlog.age_days", _("Open cases by age"),
           _("Open cases by whole days since receipt: 0-2, 3-7, 8-30, 31 and more."),
           Kind.NOW),
    Metric("backlog.by_office", _("Backlog by office"),
           _("Open and overdue cases of each office, and the age in days of its oldest open"
             " case (none when it has none)."), Kind.NOW),
    Metric("backlog.by_handler", _("Backlog by handler"),
           _("Open and overdue cases of each assignee with open cases, and the age of their"
             " oldest; unassigned cases under no handler. Most open first."), Kind.NOW),
    Metric("escalated", _("Escalated"),
           _("Cases escalated at least once (the customer rejected a decision or came back"
             " after closure, staff escalated the case or referred it to an external body)."),
           Kind.COUNT, cases=_escalated),
    Metric("compensation.count", _("Compensation granted"),
           _("Compensation records approved on the period's cases (within the proposer's"
             " limit, or by someone whose limit covers it)."), Kind.COMPENSATION),
    Metric("compensation.amount", _("Compensation granted, amount"),
           _("The total amount of that compensation in Turkish lira, to the kuruş."),
           Kind.COMPENSATION),
    Metric("satisfaction.responses", _("Survey responses"),
           _("Closed cases whose customer answered the satisfaction survey."),
           Kind.COUNT, cases=_surveyed),
    Metric("satisfaction.mean", _("Mean satisfaction"),
           _("The mean survey score (1 to 5), to two decimals; none without responses."),
           Kind.MEAN, cases=_surveyed, field="survey__score"),
    Metric("satisfaction.distribution", _("Satisfaction scores"),
           _("Survey responses by score, 1 to 5."),
           Kind.BREAKDOWN, cases=_surveyed, field="survey__score", keys=lambda: SCORES),
    Metric("satisfaction.sent", _("Surveys sent"),
           _("Cases whose closing message carried the survey link: closed at least once,"
             " other than by a merge, with the customer's consent to the survey."),
           Kind.COUNT, cases=_survey_sent),
    Metric("satisfaction.response_rate", _("Survey response rate"),
           _("Responses as a percentage of the surveys sent, to one decimal; none when none"
             " was sent."),
           Kind.RATE, cases=_survey_sent,
           derive=lambda a: rate(a["satisfaction"]["responses"],
                                            a["satisfaction"]["sent"])),
    Metric("satisfaction.by_office", _("Satisfaction by office"),
           _("Responses and mean score for each office."),
           Kind.TABLE, field="office_id", keys=_offices, parts=_SURVEY_PARTS, row=_survey_row),
    Metric("satisfaction.by_category", _("Satisfaction by category"),
           _("Responses and mean score for each category."),
           Kind.TABLE, field="category_id", keys=_categories, parts=_SURVEY_PARTS,
           row=_survey_row),
    Metric("satisfaction.by_closure", _("Satisfaction by closure"),
           _("Responses and mean score by how the case is closed now (customer agreed,"
             " options exhausted, response sent); a case reopened since is in none."),
           Kind.TABLE, field="closure", keys=_codes(SURVEYED_CLOSURES), parts=_SURVEY_PARTS,
           row=_survey_row),
    Metric("satisfaction.by_handler", _("Satisfaction by handler"),
           _("Responses and mean score for each case's assignee now, most responses first;"
             " unassigned cases under no handler."), Kind.BY_HANDLER, cases=_surveyed,
           field="assignee__username"),
    Metric("resolution_business_hours.median", _("Time to decision, median"),
           _("Cases that reached resolved: business hours of the case's office from receipt"
             " to the first approval (time waiting for the customer included), median, to"
             " two decimals; none when no case was resolved."),
           Kind.BUSINESS_HOURS, field=DURATIONS["decision"]),
    Metric("resolution_business_hours.p90", _("Time to decision, 90th percentile"),
           _("The same durations' 90th percentile (linear between the nearest ranks)."),
           Kind.BUSINESS_HOURS, field=DURATIONS["decision"]),
)

METRICS: Mapping[str, Metric] = {metric.code: metric for metric in CATALOGUE}


def catalogue_markdown() -> str:
    """The catalogue as the table in docs/reports.md (a test keeps them equal)."""
    rows = ["| metric | label | how it is computed |", "|---|---|---|"]
    rows += [f"| `{m.code}` | {m.label} | {m.definition} |" for m in CATALOGUE]
    return "\n".join(rows)
