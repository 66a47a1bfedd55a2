"""The breach watch: warn the lead before a deadline passes, escalate when it has.

Run every few minutes by the job scheduler (`breach_watch_task`), or with an
injected `now` in tests. For every running obligation (open, not paused, case
not closed):

* once `warn_at_percent` of its business time has gone (`warn_at`) and it is
  not yet due: mark it warned and alert the office's reviewers (the team
  leads), or the quality managers where an office has none;
* once it is past due (strictly: met exactly on time is on time): mark it
  missed, raise its escalation level by one and alert the quality managers.

Each step is a conditional change of rows not yet warned or missed, so a second
run at the same `now` finds nothing (idempotent), and concurrent runs skip rows
the other holds (SKIP LOCKED on PostgreSQL; SQLite runs writers one at a time).
Alerts are only rows here; the notifications worker delivers them, never
outside the recipient's business hours (`alerts_deliverable`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import task

from memnun.accounts.models import User
from memnun.audit.chain import AuditEntry, audit_record_many
from memnun.feedback.codes import AlertKind, Status
from memnun.feedback.deadline_rules import Deadlines
from memnun.feedback.models import Obligation, StaffAlert
from memnun.feedback.rows_update import rows_update
from memnun.feedback.selectors.staff import office_leads, office_quality_managers
from memnun.feedback.services.desk_notices import notices_deadline_at_risk

BATCH = 500
ACTOR = "system"


@dataclass(frozen=True)
class BreachWatchSummary:
    warned: int
    breached: int
    alerts: int


class _Recipients:
    """The leads and quality managers of each office, read once per office and run."""

    def __init__(self) -> None:
        self._leads: dict[int, list[User]] = {}
        self._quality: dict[int, list[User]] = {}

    def leads(self, office_id: int) -> list[User]:
        if office_id not in self._leads:
            self._leads[office_id] = office_leads(office_id=office_id)
        return self._leads[office_id]

    def quality_for(self, office_id: int) -> list[User]:
        if office_id not in self._quality:
            self._quality[office_id] = office_quality_managers(office_id=office_id)
        return self._quality[office_id]


def _running() -> QuerySet[Obligation]:
    return Obligation.objects.filter(
        met_at__isnull=True, paused_since__isnull=True
    ).exclude(feedback__status=Status.CLOSED)


def _claim(candidates: QuerySet[Obligation]) -> list[Obligation]:
    # `of=("self",)`: the calendar join is nullable, and only obligations are claimed.
    return list(
        candidates.select_related("feedback__office__calendar")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("due_at", "id")[:BATCH]
    )


def _alerts(
    obligation: Obligation, recipients: list[User], kind: str, now: datetime, deadlines: Deadlines
) -> list[StaffAlert]:
    alerts = []
    for recipient in recipients:
        alerts.append(
            StaffAlert(
                recipient=recipient, kind=kind, feedback=obligation.feedback,
                obligation=obligation, created_at=now,
                deliver_after=deadlines.alert_deliver_after(
                    recipient=recipient, about=obligation.feedback.office, at=now
                ),
            )
        )
    return alerts


def _entry(obligation: Obligation, action: str, data: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        actor=ACTOR, action=action, object_type="feedback",
        object_id=obligation.feedback.reference,
        data={"kind": obligation.kind, "due_at": obligation.due_at.astimezone(UTC), **data},
    )


def _breach_batch(now: datetime, recipients: _Recipients, deadlines: Deadlines) -> tuple[int, int]:
    with transaction.atomic():
        claimed = _claim(_running().filter(breached_at__isnull=True, due_at__lt=now))
        alerts: list[StaffAlert] = []
        entries = []
        for o in claimed:
            before = o.escalation_level
            o.breached_at, o.escalation_level = now, before + 1
            alerts += _alerts(
                o, recipients.quality_for(o.feedback.office_id),
                AlertKind.OBLIGATION_BREACHED, now, deadlines,
            )
            entries.append(_entry(o, "obligation.breached", {
                "escalation_level": {"before": before, "after": o.escalation_level},
            }))
        rows_update(Obligation, claimed, ["breached_at", "escalation_level"])
        StaffAlert.objects.bulk_create(alerts, ignore_conflicts=True)
        audit_record_many(entries)
    return len(claimed), len(alerts)


def _warn_batch(now: datetime, recipients: _Recipients, deadlines: Deadlines) -> tuple[int, int]:
    with transaction.atomic():
        claimed = _claim(
            _running().filter(
                Q(warned_at__isnull=True, breached_at__isnull=True, warn_at__lte=now)
                & Q(due_at__gte=now)
            )
        )
        alerts: list[StaffAlert] = []
        entries = []
        for o in claimed:
            o.warned_at = now
            leads = recipients.leads(o.feedback.office_id)
            alerts += _alerts(o, leads, AlertKind.OBLIGATION_AT_RISK, now, deadlines)
            entries.append(_entry(o, "obligation.warned", {"to": [u.username for u in leads]}))
        rows_update(Obligation, claimed, ["warned_at"])
        # Inside the desk too: the case's handler (its leads while nobody holds it).
        notices_deadline_at_risk(obligations=claimed, leads_of=recipients.leads, at=now)
        StaffAlert.objects.bulk_create(alerts, ignore_conflicts=True)
        audit_record_many(entries)
    return len(claimed), len(alerts)


def breach_watch(*, now: datetime) -> BreachWatchSummary:
    """Warn and escalate every running obligation that has reached its point at `now`."""
    recipients, deadlines = _Recipients(), Deadlines()
    breached = warned = alerts = 0
    # Missed first: an obligation already past due is escalated, not merely warned.
    for step in (_breach_batch, _warn_batch):
        while True:
            done, raised = step(now, recipients, deadlines)
            alerts += raised
            if step is _breach_batch:
                breached += done
            else:
                warned += done
            if done < BATCH:
                break
    return BreachWatchSummary(warned=warned, breached=breached, alerts=alerts)


@task()
def breach_watch_task() -> dict[str, int]:
    """For the periodic scheduler: the breach watch at the current time."""
    return asdict(breach_watch(now=timezone.now()))
