"""Fill the report facts (feedback/report_facts.py) of cases recorded before they existed.

Reads each case's events from where they are kept (the acknowledgement copy, the
first-response obligation, the first `resolved` and `closed` stages), in batches
by id, and writes only the facts still empty whose event happened: running it
twice changes nothing. The migration adds the columns only; `reports_backfill`
runs this.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery

from memnun.feedback.codes import ObligationKind, Status
from memnun.feedback.models import Feedback, Obligation, StageChange
from memnun.feedback.report_facts import FACT_FIELDS, fact_fields_set
from memnun.feedback.rows_update import rows_update
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.store import calendar_get

BACKFILL_BATCH = 2000


def _first_stage(status: str) -> Subquery:
    return Subquery(
        StageChange.objects.filter(feedback=OuterRef("pk"), status=status)
        .order_by("at", "pk").values("at")[:1]
    )


def _first_response() -> Subquery:
    return Subquery(
        Obligation.objects.filter(
            feedback=OuterRef("pk"), kind=ObligationKind.FIRST_RESPONSE, met_at__isnull=False
        ).values("met_at")[:1]
    )


def facts_missing() -> Q:
    """Cases with an event whose fact is not yet stored."""
    return (
        Q(ack_tenths__isnull=True, ack_sent_at__isnull=False)
        | Q(Exists(Obligation.objects.filter(
            feedback=OuterRef("pk"), kind=ObligationKind.FIRST_RESPONSE, met_at__isnull=False,
        )), first_response_tenths__isnull=True)
        | Q(Exists(StageChange.objects.filter(feedback=OuterRef("pk"), status=Status.RESOLVED)),
            decision_tenths__isnull=True)
        | Q(Exists(StageChange.objects.filter(feedback=OuterRef("pk"), status=Status.CLOSED)),
            close_tenths__isnull=True)
    )


def facts_backfill(
    *, batch_size: int = BACKFILL_BATCH, progress: Callable[[int, int], None] | None = None
) -> int:
    """Compute the missing facts of every case; returns how many cases were written.

    `progress(done, total)` is called after each batch (cases looked at so far).
    """
    todo = Feedback.objects.filter(facts_missing())
    total = todo.count()
    calendars: dict[str | None, BusinessCalendar] = {}
    written = done = 0
    last_id = 0
    while True:
        batch = list(
            todo.filter(pk__gt=last_id).order_by("pk")
            .select_related("office__calendar")
            .annotate(first_response_at=_first_response(),
                      decided_at=_first_stage(Status.RESOLVED),
                      first_closed_at=_first_stage(Status.CLOSED))
            .only("pk", "received_at", "ack_sent_at", "office__calendar__code", *FACT_FIELDS)
            [:batch_size]
        )
        if not batch:
            break
        last_id = batch[-1].pk
        changed: list[Feedback] = []
        fields: set[str] = set()
        for case in batch:
            code = case.office.calendar_code
            if code not in calendars:
                calendars[code] = calendar_get(code)
            names = fact_fields_set(case, {
                "ack_tenths": case.ack_sent_at,
                "first_response_tenths": case.first_response_at,
                "decision_tenths": case.decided_at,
                "close_tenths": case.first_closed_at,
            }, calendars[code])
            if names:
                changed.append(case)
                fields.update(names)
        with transaction.atomic():
            rows_update(Feedback, changed, sorted(fields))
        written += len(changed)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return written
