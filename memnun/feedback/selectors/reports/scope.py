"""What a report covers: a period of Istanbul dates, the filters, the viewer's offices."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from memnun.accounts.models import User
from memnun.feedback.codes import Channel, FeedbackType
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Feedback
from memnun.feedback.permissions import reports_office_scope
from memnun.organisation.models import Brand, Category, Office

# The contract counts cases by the Istanbul date of `received_at`, whatever the
# office's own calendar zone.
REPORT_TIMEZONE = ZoneInfo("Europe/Istanbul")


def day_start(day: date) -> datetime:
    """The first instant of an Istanbul day (its midnight)."""
    return datetime.combine(day, time(), tzinfo=REPORT_TIMEZONE)


@dataclass(frozen=True)
class Period:
    """From and to, both inclusive."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """[midnight of the first day, midnight after the last day) in Istanbul."""
        return day_start(self.start), day_start(self.end + timedelta(days=1))


@dataclass(frozen=True)
class ReportFilters:
    """Codes of the contract; None leaves the dimension unfiltered."""

    office: str | None = None
    channel: str | None = None
    type: str | None = None
    brand: str | None = None
    category: str | None = None

    def given(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value is not None}


def period_check(*, start: date, end: date) -> Period:
    if end < start:
        raise FieldErrors({"to": [_("The end of the period is before its start.")]})
    return Period(start=start, end=end)


def _unknown(filters: ReportFilters) -> dict[str, list[str]]:
    known = {
        "office": lambda code: Office.objects.filter(code=code).exists(),
        "channel": lambda code: code in Channel.values,
        "type": lambda code: code in FeedbackType.values,
        "brand": lambda code: Brand.objects.filter(code=code).exists(),
        "category": lambda code: Category.objects.filter(code=code).exists(),
    }
    return {
        name: [_("Unknown code: %(code)s.") % {"code": value}]
        for name, value in filters.given().items()
        if not known[name](value)
    }


def report_scope(*, filters: ReportFilters, viewer: User) -> ReportFilters:
    """The filters in force (the viewer's office added), checked.

    Who may read is asked first (NotPermitted), then the filter values (FieldErrors).
    """
    office = reports_office_scope(user=viewer, office=filters.office)
    scoped = ReportFilters(
        office=office, channel=filters.channel, type=filters.type, brand=filters.brand,
        category=filters.category,
    )
    errors = _unknown(scoped)
    if errors:
        raise FieldErrors(errors)
    return scoped


def filtered_cases(scoped: ReportFilters) -> QuerySet[Feedback]:
    """Every case matching the filters, whatever its date (the backlog's cases)."""
    lookups = {
        "office__code": scoped.office, "channel": scoped.channel, "type": scoped.type,
        "brand__code": scoped.brand, "category__code": scoped.category,
    }
    return Feedback.objects.filter(**{k: v for k, v in lookups.items() if v is not None})


def report_cases(
    *, period: Period, filters: ReportFilters, viewer: User
) -> tuple[QuerySet[Feedback], ReportFilters]:
    """The cases a report counts, and the filters in force (the viewer's office added).

    Who may read is asked first (NotPermitted), then the filter values (FieldErrors).
    """
    scoped = report_scope(filters=filters, viewer=viewer)
    first, after = period.bounds()
    cases = filtered_cases(scoped).filter(received_at__gte=first, received_at__lt=after)
    return cases, scoped
