"""The report facts of a case: business durations stored when they happen.

Reports read these columns instead of measuring business time at read time
(which needs each office's calendar, case by case). Each is the business time
of the case's office calendar (opening hours, weekends and public holidays
closed; time waiting for the customer included) from `received_at` to the
event, in **tenths of a business hour**, rounded to the nearest (125 = 12.5
business hours; a half tenth rounds up). Written once, by the first event:

- `ack_tenths`: the acknowledgement sent (the obligation met; on the spot: 0);
- `first_response_tenths`: the first-response obligation met;
- `decision_tenths`: the first approved resolution (first stage change to `resolved`);
- `close_tenths`: the first closure (first stage change to `closed`, merges included).

The obligation writers (`services/obligations.py`, with the case's other copies of
its obligations) keep the first two, `lifecycle.stage_enter` the last two;
`reports_backfill` fills existing rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from memnun.feedback.codes import ObligationKind, Status
from memnun.feedback.models import Feedback
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import business_time_between
from memnun.servicelevels.store import calendar_get

# Obligation kind or stage → the Feedback column holding its duration.
OBLIGATION_FACTS: dict[str, str] = {
    ObligationKind.ACKNOWLEDGEMENT: "ack_tenths",
    ObligationKind.FIRST_RESPONSE: "first_response_tenths",
}
STAGE_FACTS: dict[str, str] = {Status.RESOLVED: "decision_tenths", Status.CLOSED: "close_tenths"}
FACT_FIELDS = (*OBLIGATION_FACTS.values(), *STAGE_FACTS.values())

_TENTH = timedelta(hours=1) / 10


def business_tenths(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Business time from start to end in tenths of an hour, to the nearest (half up)."""
    elapsed = business_time_between(calendar, start, end)
    whole, rest = divmod(elapsed, _TENTH)
    return whole + (1 if 2 * rest >= _TENTH else 0)


def office_calendar(feedback: Feedback) -> BusinessCalendar:
    return calendar_get(feedback.office.calendar_code)


def fact_fields_set(
    feedback: Feedback, events: dict[str, datetime | None],
    calendar: BusinessCalendar | None = None,
) -> list[str]:
    """Set each fact (column → event instant) not yet recorded; the names of those set."""
    changed = []
    for name, at in events.items():
        if at is None or getattr(feedback, name) is not None:
            continue
        calendar = calendar or office_calendar(feedback)
        setattr(feedback, name, business_tenths(calendar, feedback.received_at, at))
        changed.append(name)
    return changed
