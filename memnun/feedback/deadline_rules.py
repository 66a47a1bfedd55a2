"""The promises each feedback carries, and the service-level keys that time them.

Rules, in one place:

* Every case owes an acknowledgement (target ``ack:<channel>``) and a
  resolution (``resolution:safety`` when its category is a safety hazard,
  else ``resolution:<type>``), both from the time of receipt. First responses
  and progress updates (``first_response``, ``update``) are opened by the
  lifecycle when it needs them.
* A deadline is the target's business time on the office's calendar after the
  start, pushed back by the business time the case spent paused; a start
  outside business hours counts from the next opening. Targets met "at once"
  (web, e-mail, phone, face to face) are due at receipt plus a grace of at
  most a minute (`memnun.servicelevels.deadlines`, the arithmetic's one home).
* While a question to the customer is open (``services/questions.py``) the
  clocks of the pausable kinds stop. The acknowledgement never pauses: it is
  owed whatever the customer does.
* The lead is warned when ``warn_at_percent`` of the business time has gone.
* The queue is ordered by the earliest running (open, unpaused) deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from memnun.accounts.models import User
from memnun.feedback.codes import ObligationKind
from memnun.feedback.models import Feedback, Obligation
from memnun.organisation.models import Office
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import is_open, next_opening
from memnun.servicelevels.deadlines import Deadline, deadline_compute
from memnun.servicelevels.store import Target, calendar_get, target_get

# Every case owes: an acknowledgement, a first substantive response, regular updates
# while it is worked, and the resolution.
INTAKE_KINDS = (
    ObligationKind.ACKNOWLEDGEMENT,
    ObligationKind.FIRST_RESPONSE,
    ObligationKind.UPDATE,
    ObligationKind.RESOLUTION,
)
PAUSABLE_KINDS = frozenset(
    {ObligationKind.FIRST_RESPONSE, ObligationKind.RESOLUTION, ObligationKind.UPDATE}
)
# Which obligation shows as "due" when two fall due at the same instant.
_KIND_ORDER = {kind: i for i, kind in enumerate(ObligationKind.values)}


def target_keys(*, kind: str, channel: str, type: str, safety: bool) -> list[str]:
    """Service-target keys for an obligation of a case, most specific first."""
    if kind == ObligationKind.ACKNOWLEDGEMENT:
        return [f"ack:{channel}"]
    if kind == ObligationKind.RESOLUTION:
        keys = [f"resolution:{type}"]
        return ["resolution:safety", *keys] if safety else keys
    return [str(kind)]


def is_safety_case(feedback: Feedback) -> bool:
    if feedback.category_id is None or feedback.category is None:
        return False
    return feedback.category.is_safety




class Deadlines:
    """Targets and calendars looked up once for a batch of cases.

    `calendar_get` and `target_get` each ask the database; a recompute of
    thousands of cases asks once per office and per key instead.
    """

    def __init__(self) -> None:
        self._targets: dict[tuple[str, ...], Target] = {}
        self._calendars: dict[str | None, BusinessCalendar] = {}

    def calendar(self, office: Office) -> BusinessCalendar:
        code = office.calendar_code
        if code not in self._calendars:
            self._calendars[code] = calendar_get(code)
        return self._calendars[code]

    def alert_calendar(self, *, recipient: User, about: Office | None) -> BusinessCalendar:
        """Whose business hours a staff alert keeps to — the one rule for every alert to
        staff (a case's, a surge's, an overdue CAPA action's): the recipient's office;
        for staff who serve every office the office the alert is about (the case's, the
        surge's, the CAPA's); with neither, the standard calendar."""
        office = recipient.office if recipient.office_id and recipient.office else about
        if office is None:
            if None not in self._calendars:
                self._calendars[None] = calendar_get(None)
            return self._calendars[None]
        return self.calendar(office)

    def alert_deliver_after(
        self, *, recipient: User, about: Office | None, at: datetime
    ) -> datetime:
        """When an alert raised at `at` may first go out: the next opening of its hours."""
        return next_opening(self.alert_calendar(recipient=recipient, about=about), at)

    def alert_may_go(self, *, recipient: User, about: Office | None, now: datetime) -> bool:
        """Whether an alert may go out now: only while its hours are open."""
        return is_open(self.alert_calendar(recipient=recipient, about=about), now)

    def target(self, keys: list[str]) -> Target:
        key = tuple(keys)
        if key not in self._targets:
            self._targets[key] = target_get(keys)
        return self._targets[key]

    def for_obligation(
        self, *, feedback: Feedback, kind: str, started_at: datetime, paused_seconds: int = 0,
        safety: bool | None = None,
    ) -> Deadline:
        keys = target_keys(
            kind=kind, channel=feedback.channel, type=feedback.type,
            safety=is_safety_case(feedback) if safety is None else safety,
        )
        return deadline_compute(
            target=self.target(keys),
            calendar=self.calendar(feedback.office),
            started_at=started_at,
            paused_seconds=paused_seconds if kind in PAUSABLE_KINDS else 0,
        )


def obligations_planned_at_intake(
    *, feedback: Feedback, deadlines: Deadlines, safety: bool = False
) -> list[Obligation]:
    """The unsaved obligations a newly received case owes (see INTAKE_KINDS).

    An acknowledgement already given at intake (phone, face to face) is met at once.
    """
    planned = []
    for kind in INTAKE_KINDS:
        deadline = deadlines.for_obligation(
            feedback=feedback, kind=kind, started_at=feedback.received_at, safety=safety
        )
        met = feedback.ack_sent_at if kind == ObligationKind.ACKNOWLEDGEMENT else None
        planned.append(
            Obligation(
                feedback=feedback, kind=kind, target_key=deadline.target_key,
                started_at=feedback.received_at, due_at=deadline.due_at,
                warn_at=deadline.warn_at, met_at=met,
            )
        )
    return planned


def next_due(obligations: Iterable[Obligation]) -> Obligation | None:
    """The running (open, unpaused) obligation that falls due first, if any."""
    running = [o for o in obligations if o.met_at is None and o.paused_since is None]
    if not running:
        return None
    return min(running, key=lambda o: (o.due_at, _KIND_ORDER.get(o.kind, 99)))


def copy_to_feedback(feedback: Feedback, obligations: Iterable[Obligation]) -> list[str]:
    """Keep the case's copies in step with its obligations; the names of changed fields.

    `ack_due_at`/`ack_sent_at` are what API v1 shows as the acknowledgement;
    `next_due_at`/`next_due_kind` order the fair queue, `next_warn_at` marks it at risk.
    """
    obligations = list(obligations)
    values: dict[str, object] = {}
    for o in obligations:
        if o.kind == ObligationKind.ACKNOWLEDGEMENT:
            values["ack_due_at"], values["ack_sent_at"] = o.due_at, o.met_at
    first = next_due(obligations)
    values["next_due_at"] = first.due_at if first else None
    values["next_due_kind"] = first.kind if first else ""
    values["next_warn_at"] = first.warn_at if first else None
    changed = []
    for name, value in values.items():
        if getattr(feedback, name) != value:
            setattr(feedback, name, value)
            changed.append(name)
    return changed


def kinds_for_target_key(key: str) -> set[str]:
    """Which obligations a service-target key can time (all of them if unknown)."""
    if key.startswith("ack:"):
        return {ObligationKind.ACKNOWLEDGEMENT}
    if key.startswith("resolution:"):
        return {ObligationKind.RESOLUTION}
    if key in ObligationKind.values:
        return {key}
    return set(ObligationKind.values)


def taken_in_at(*, feedback: Feedback, deadlines: Deadlines | None = None) -> datetime:
    """When the office starts on a case: its receipt, or the next opening after it."""
    calendar = (deadlines or Deadlines()).calendar(feedback.office)
    return next_opening(calendar, feedback.received_at)

