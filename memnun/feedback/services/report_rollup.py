"""The report rollup, kept exact: each changed day is recomputed from the raw rows.

Every change to a case that a figure depends on leaves an audit event on the
case (`object_type="feedback"`, the reference as `object_id`), and the audit
trail's `seq` is handed out under the chain head's row lock when an event is
sealed, so sealed events commit in `seq` order without gaps: a watermark over
`seq` finds every case changed
since the last catch-up. Their Istanbul days of receipt are recomputed whole
(every office, channel and type of the day, ~3,000 cases at a million a year),
then the monthly cells and duration histograms of those days' months.

`rollup_catch_up` runs before each KPI read, once for a trend's periods
(`kpi_periods`; nothing to do, one indexed query,
when nothing changed) and every minute (`feedback.report_rollup`), under a lock
so that concurrent processes do not recompute the same days twice;
`rollup_rebuild` (`manage.py reports_rebuild`) recomputes everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from memnun.audit.chain import audit_seal_pending
from memnun.audit.models import AuditEvent
from memnun.feedback.codes import CompensationStatus, FeedbackType
from memnun.feedback.models import (
    Compensation,
    Feedback,
    ReportBrandDay,
    ReportCategoryDay,
    ReportDay,
    ReportDuration,
    ReportHandlerDay,
    ReportMonth,
    ReportWatermark,
)
from memnun.feedback.selectors.reports.catalogue import DURATIONS
from memnun.feedback.selectors.reports.cells import cell_columns
from memnun.feedback.selectors.reports.scope import REPORT_TIMEZONE, Period

_CHUNK = 500  # references per IN (…), under SQLite's variable limit
_DAYS_PER_TRANSACTION = 10
_DAY_TABLES = (ReportDay, ReportBrandDay, ReportCategoryDay, ReportHandlerDay)


def _cases_of(day: date) -> QuerySet[Feedback]:
    first, after = Period(day, day).bounds()
    return Feedback.objects.filter(received_at__gte=first, received_at__lt=after).order_by()


def _cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def _day_recompute(day: date) -> None:
    cases = _cases_of(day)
    for table in _DAY_TABLES:
        table.objects.filter(day=day).delete()
    ReportDuration.objects.filter(day=day).delete()
    columns = cell_columns()
    granted = {
        (row["feedback__office_id"], row["feedback__channel"], row["feedback__type"]):
            (row["count"], _cents(row["amount"]))
        for row in Compensation.objects.filter(
            feedback__in=cases.values("pk"), status=CompensationStatus.APPROVED
        ).values("feedback__office_id", "feedback__channel", "feedback__type")
        .annotate(count=Count("pk"), amount=Sum("amount"))
    }
    cells = []
    for row in cases.values("office_id", "channel", "type").annotate(**columns):
        count, cents = granted.get((row["office_id"], row["channel"], row["type"]), (0, 0))
        cells.append(ReportDay(
            day=day, office_id=row["office_id"], channel=row["channel"], type=row["type"],
            compensation_count=count, compensation_cents=cents,
            **{name: row[name] or 0 for name in columns},
        ))
    ReportDay.objects.bulk_create(cells)
    complaints = Count("pk", filter=Q(type=FeedbackType.COMPLAINT))  # the Pareto's
    ReportBrandDay.objects.bulk_create(
        ReportBrandDay(day=day, office_id=row["office_id"], brand_id=row["brand_id"],
                       received=row["n"], complaints=row["complaints"])
        for row in cases.values("office_id", "brand_id").annotate(
            n=Count("pk"), complaints=complaints)
    )
    surveyed = Q(survey__isnull=False)
    ReportCategoryDay.objects.bulk_create(
        ReportCategoryDay(day=day, office_id=row["office_id"], category_id=row["category_id"],
                          received=row["n"], complaints=row["complaints"],
                          responses=row["responses"], score=row["score"] or 0)
        for row in cases.values("office_id", "category_id").annotate(
            n=Count("pk"), complaints=complaints, responses=Count("pk", filter=surveyed),
            score=Sum("survey__score", filter=surveyed))
    )
    ReportHandlerDay.objects.bulk_create(
        ReportHandlerDay(day=day, office_id=row["office_id"], assignee_id=row["assignee_id"],
                         responses=row["responses"], score=row["score"] or 0)
        for row in cases.filter(surveyed).values("office_id", "assignee_id").annotate(
            responses=Count("pk"), score=Sum("survey__score"))
    )
    durations = []
    for measure, fact in DURATIONS.items():
        rows = (cases.filter(**{f"{fact}__isnull": False})
                .values_list("office_id", fact).annotate(n=Count("pk")))
        durations += [
            ReportDuration(day=day, office_id=office, measure=measure, value=value, n=n)
            for office, value, n in rows
        ]
    ReportDuration.objects.bulk_create(durations)


def _month_recompute(month: date) -> None:
    """The month's cells and duration histograms: sums of its days' rows."""
    following = (month + timedelta(days=32)).replace(day=1)
    ReportMonth.objects.filter(month=month).delete()
    names = [*cell_columns(), "compensation_count", "compensation_cents"]
    ReportMonth.objects.bulk_create(
        ReportMonth(month=month, office_id=row["office_id"], channel=row["channel"],
                    type=row["type"], **{name: row[name] or 0 for name in names})
        for row in ReportDay.objects.filter(day__gte=month, day__lt=following).order_by()
        .values("office_id", "channel", "type").annotate(**{name: Sum(name) for name in names})
    )
    ReportDuration.objects.filter(month=month).delete()
    rows = (
        ReportDuration.objects.filter(day__gte=month, day__lt=following).order_by()
        .values_list("office_id", "measure", "value").annotate(total=Sum("n"))
    )
    ReportDuration.objects.bulk_create(
        ReportDuration(month=month, office_id=office, measure=measure, value=value, n=total)
        for office, measure, value, total in rows
    )


def rollup_days_recompute(
    days: Iterable[date], *, progress: Callable[[int, int], None] | None = None
) -> None:
    """Recompute the cells of these days (ten days a transaction), then their months."""
    ordered = sorted(set(days))
    for start in range(0, len(ordered), _DAYS_PER_TRANSACTION):
        with transaction.atomic():
            for day in ordered[start:start + _DAYS_PER_TRANSACTION]:
                _day_recompute(day)
        if progress is not None:
            progress(min(start + _DAYS_PER_TRANSACTION, len(ordered)), len(ordered))
    with transaction.atomic():
        for month in sorted({day.replace(day=1) for day in ordered}):
            _month_recompute(month)


def _days_received(cases: QuerySet[Feedback]) -> set[date]:
    return set(
        cases.order_by().annotate(day=TruncDate("received_at", tzinfo=REPORT_TIMEZONE))
        .values_list("day", flat=True).distinct()
    )


def _latest_seq() -> int:
    return AuditEvent.objects.aggregate(latest=Max("seq"))["latest"] or 0


def _watermark_locked() -> ReportWatermark:
    """The watermark row, locked: an UPDATE first takes the row lock on PostgreSQL and
    the write lock on SQLite, so a second process waits and then finds the work done."""
    ReportWatermark.objects.get_or_create(pk=1)
    ReportWatermark.objects.filter(pk=1).update(caught_up_at=timezone.now())
    return ReportWatermark.objects.get(pk=1)


def rollup_catch_up() -> int:
    """Take in the case changes since the watermark; returns how many days were recomputed.

    The watermark walks sealed events only. On PostgreSQL an event is sealed just
    after its change commits (memnun.audit.chain); seal what still waits first, so
    a report never lags a committed change by the sealing's moment."""
    audit_seal_pending()
    seen = ReportWatermark.objects.filter(pk=1).values_list("seq", flat=True).first()
    if seen is not None and seen >= _latest_seq():
        return 0
    with transaction.atomic():
        watermark = _watermark_locked()
        upto = _latest_seq()
        if watermark.seq >= upto:
            return 0
        references = list(
            AuditEvent.objects.filter(
                seq__gt=watermark.seq, seq__lte=upto, object_type="feedback"
            ).values_list("object_id", flat=True).distinct()
        )
        days: set[date] = set()
        for start in range(0, len(references), _CHUNK):
            chunk = references[start:start + _CHUNK]
            days |= _days_received(Feedback.objects.filter(reference__in=chunk))
        rollup_days_recompute(days)
        watermark.seq = upto
        watermark.save(update_fields=["seq"])
    return len(days)


def rollup_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the whole rollup from the raw rows; returns the number of days."""
    audit_seal_pending()
    with transaction.atomic():
        watermark = _watermark_locked()
        upto = _latest_seq()
        for table in (*_DAY_TABLES, ReportMonth, ReportDuration):
            table.objects.all().delete()
    days = _days_received(Feedback.objects.all())
    # Changes while this runs are after `upto` and caught up afterwards.
    rollup_days_recompute(days, progress=progress)
    watermark.seq = upto
    watermark.save(update_fields=["seq"])
    return len(days)
