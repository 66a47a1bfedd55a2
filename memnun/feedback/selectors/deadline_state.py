"""Whether a deadline is met, on track, at risk or late: one vocabulary, decided once.

Read by the work queue (the case's next running deadline) and the case page
(every obligation). The rules:

* met: on time when met by the due instant (exactly on time is on time: the
  obligation's `on_time`), else late;
* paused: the clock waits for the customer;
* late: strictly past due (the breach watch's rule);
* at risk: the warning instant has come (`warn_at_percent` of the target, 80 %
  by default: the point where the breach watch warns the lead);
* on track otherwise; nothing due when no clock runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from memnun.feedback.models import Feedback, Obligation
from memnun.feedback.selectors.reports.scope import REPORT_TIMEZONE, day_start


class DeadlineState(models.TextChoices):
    MET_ON_TIME = "met_on_time", _("Met on time")
    MET_LATE = "met_late", _("Met late")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    PAUSED = "paused", _("Paused while waiting for the customer")
    NOTHING_DUE = "nothing_due", _("Nothing due")


def deadline_state(
    *, due_at: datetime | None, warn_at: datetime | None, on_time: bool | None = None,
    paused: bool = False, now: datetime,
) -> DeadlineState:
    """The state of one deadline at `now` (see the module docstring).

    `on_time` is the met obligation's own verdict (`Obligation.on_time`), None while open.
    """
    if on_time is not None:
        return DeadlineState.MET_ON_TIME if on_time else DeadlineState.MET_LATE
    if paused:
        return DeadlineState.PAUSED
    if due_at is None:
        return DeadlineState.NOTHING_DUE
    if due_at < now:
        return DeadlineState.LATE
    if warn_at is not None and warn_at <= now:
        return DeadlineState.AT_RISK
    return DeadlineState.ON_TRACK


def obligation_state(*, obligation: Obligation, now: datetime) -> DeadlineState:
    return deadline_state(
        due_at=obligation.due_at, warn_at=obligation.warn_at, on_time=obligation.on_time,
        paused=obligation.paused_since is not None, now=now,
    )


def queue_state(*, feedback: Feedback, now: datetime) -> DeadlineState:
    """The case's state in the queue: that of its next running deadline (copied on the case)."""
    return deadline_state(due_at=feedback.next_due_at, warn_at=feedback.next_warn_at, now=now)


def late_cases(now: datetime) -> Q:
    """The cases `queue_state` calls late at `now`, as a database condition: the next
    running deadline strictly past (empty while every clock is paused or met)."""
    return Q(next_due_at__lt=now)


def at_risk_cases(now: datetime) -> Q:
    """The cases `queue_state` calls at risk at `now`: the warning instant has come, the
    due instant has not passed (late comes first, as in `deadline_state`)."""
    return Q(next_warn_at__lte=now, next_due_at__gte=now)


def due_today_cases(now: datetime) -> Q:
    """The cases whose next running deadline falls from `now` to the end of the day
    (Istanbul time, the desk's clock); those already late are `late_cases`."""
    tomorrow = now.astimezone(REPORT_TIMEZONE).date() + timedelta(days=1)
    return Q(next_due_at__gte=now, next_due_at__lt=day_start(tomorrow))
