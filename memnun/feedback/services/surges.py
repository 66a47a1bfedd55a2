"""The surge watch: record each surge of the last complete week once and alert the quality
managers serving its office (R8.2b).

Run by the job `feedback.surge_watch` (tasks.py) every hour: the first run after
a week ends finds its surges; later runs find them recorded already and raise
nothing (one `Surge` row per category, office and week, a unique constraint,
so two workers cannot both raise it). The alerts are `StaffAlert` rows,
delivered by `feedback.staff_alerts` like every staff alert: only in the
recipient office's business hours (a quality manager of every office: the
surge's office's hours).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from memnun.audit.chain import audit_record
from memnun.feedback.codes import AlertKind
from memnun.feedback.deadline_rules import Deadlines
from memnun.feedback.models import StaffAlert, Surge
from memnun.feedback.selectors.reports.periods import last_complete_week
from memnun.feedback.selectors.reports.surges import SurgeFound, surges_of_week
from memnun.feedback.selectors.staff import office_quality_managers

SYSTEM_ACTOR = "system"


def _record(found: SurgeFound, *, now: datetime, deadlines: Deadlines) -> Surge | None:
    """The surge recorded and its alerts raised, in one transaction; None if known already."""
    with transaction.atomic():
        surge, created = Surge.objects.select_related("office__calendar", "category").get_or_create(
            office_id=found.office_id, category_id=found.category_id, week_start=found.week_start,
            defaults={
                "count": found.count, "norm": found.mean, "threshold": found.threshold,
                "detected_at": now,
            },
        )
        if not created:
            return None
        managers = office_quality_managers(office_id=found.office_id)
        StaffAlert.objects.bulk_create(
            [
                StaffAlert(
                    recipient=manager, kind=AlertKind.SURGE, surge=surge, created_at=now,
                    deliver_after=deadlines.alert_deliver_after(
                        recipient=manager, about=surge.office, at=now
                    ),
                )
                for manager in managers
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=SYSTEM_ACTOR, action="surge.detected", object_type="surge",
            object_id=str(surge.pk),
            data={
                "office": surge.office.code, "category": surge.category.code,
                "week": found.week_start.isoformat(), "count": found.count,
                "history": list(found.history), "threshold": round(found.threshold, 2),
                "alerted": [manager.username for manager in managers],
            },
        )
        return surge


def surges_watch(*, now: datetime) -> list[Surge]:
    """Record the surges of the last complete ISO week not recorded yet; alert on each."""
    deadlines = Deadlines()
    recorded = (
        _record(found, now=now, deadlines=deadlines)
        for found in surges_of_week(week=last_complete_week(now=now))
    )
    return [surge for surge in recorded if surge is not None]
