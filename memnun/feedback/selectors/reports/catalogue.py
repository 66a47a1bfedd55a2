"""The metric catalogue: every figure of the KPI report, one row each.

A row's `code` is its place in the KPI answer (`acknowledgement.on_time` is
`{"acknowledgement": {"on_time": …}}`); the objectives of a later slice name
metrics by it. `definition` says how the figure is computed, for the docs and
the dashboard; `cases` is the same rule as a database condition, so that the
KPI selector counts every figure in one aggregate query (conditional COUNT).
A breakdown counts the cases of each of its `keys` (every key present, 0 when
none), a mean averages `field`, and business hours are measured case by case
(`kpi.resolution_hours`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, F, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from memnun.feedback.codes import Channel, Closure, FeedbackType, Status
from memnun.feedback.models import CustomerAnswer, StageChange
from memnun.organisation.models import Office


class Kind(StrEnum):
    COUNT = "count"
    BREAKDOWN = "breakdown"
    MEAN = "mean"
    BUSINESS_HOURS = "business_hours"


@dataclass(frozen=True)
class Metric:
    code: str
    label: Promise
    definition: Promise
    kind: Kind
    # The cases counted (COUNT, BREAKDOWN) or averaged (MEAN); every case when None.
    cases: Callable[[], Q] | None = None
    # BREAKDOWN: the field compared with each key's value; MEAN: the field averaged.
    field: str = ""
    # BREAKDOWN: key in the answer → the field's value for it.
    keys: Callable[[], Mapping[str, object]] | None = None


def _codes(choices: Sequence[str]) -> Callable[[], Mapping[str, object]]:
    return lambda: {code: code for code in choices}


def _offices() -> Mapping[str, object]:
    return dict(Office.objects.order_by("code").values_list("code", "pk"))


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


# The closures the contract reports (a response sent closes suggestions and the like).
REPORTED_CLOSURES = [Closure.CUSTOMER_AGREED, Closure.OPTIONS_EXHAUSTED, Closure.MERGED]
SCORES = {str(score): score for score in range(1, 6)}

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
    Metric("acknowledgement.on_time", _("Acknowledged on time"),
           _("Acknowledged by its deadline."), Kind.COUNT, cases=_ack_on_time),
    Metric("acknowledgement.late", _("Acknowledged late"),
           _("Acknowledged after its deadline."), Kind.COUNT, cases=_ack_late),
    Metric("acknowledgement.pending", _("Not yet acknowledged"),
           _("Not acknowledged yet, whether its deadline has passed or not."),
           Kind.COUNT, cases=_ack_pending),
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
    Metric("satisfaction.responses", _("Survey responses"),
           _("Closed cases whose customer answered the satisfaction survey."),
           Kind.COUNT, cases=_surveyed),
    Metric("satisfaction.mean", _("Mean satisfaction"),
           _("The mean survey score (1 to 5), to two decimals; none without responses."),
           Kind.MEAN, cases=_surveyed, field="survey__score"),
    Metric("satisfaction.distribution", _("Satisfaction scores"),
           _("Survey responses by score, 1 to 5."),
           Kind.BREAKDOWN, cases=_surveyed, field="survey__score", keys=lambda: SCORES),
    Metric("resolution_business_hours.median", _("Time to decision, median"),
           _("Cases that reached resolved: business hours of the case's office from receipt"
             " to the first approval (time waiting for the customer included), median, to"
             " two decimals; none when no case was resolved."),
           Kind.BUSINESS_HOURS),
    Metric("resolution_business_hours.p90", _("Time to decision, 90th percentile"),
           _("The same durations' 90th percentile (linear between the nearest ranks)."),
           Kind.BUSINESS_HOURS),
)

METRICS: Mapping[str, Metric] = {metric.code: metric for metric in CATALOGUE}


def catalogue_markdown() -> str:
    """The catalogue as the table in docs/reports.md (a test keeps them equal)."""
    rows = ["| metric | label | how it is computed |", "|---|---|---|"]
    rows += [f"| `{m.code}` | {m.label} | {m.definition} |" for m in CATALOGUE]
    return "\n".join(rows)


def acknowledgement_rate(*, on_time: int, late: int) -> float | None:
    """The share (%) of the acknowledgements sent that were on time; None before any was sent."""
    sent = on_time + late
    return round(100 * on_time / sent, 1) if sent else None
