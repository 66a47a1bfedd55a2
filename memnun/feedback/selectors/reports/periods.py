"""The named periods a report may cover: this week, month, quarter or year, in Istanbul;
and the week arithmetic every Istanbul-dated count shares (today, a week's Monday,
the last complete week) — the reports, the surge watch and a CAPA's measured
criterion read it here (a day's first instant is `scope.day_start`).

A preset covers the whole calendar unit that holds `today` (Monday to Sunday,
the first to the last day of the month, quarter or year): days still to come
hold no cases, so "this month" reads the same as "this month so far", and
the period a page shows does not change from one day to the next.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from memnun.feedback.selectors.reports.scope import REPORT_TIMEZONE, Period


class Preset(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    QUARTER = "quarter", _("This quarter")
    YEAR = "year", _("This year")
    CUSTOM = "custom", _("Custom dates")


DEFAULT_PRESET = Preset.MONTH


def report_today(*, now: datetime) -> date:
    """Today's date where reports count days (Istanbul)."""
    return now.astimezone(REPORT_TIMEZONE).date()


def week_start(day: date) -> date:
    """The Monday of the ISO week (Monday to Sunday) holding `day`."""
    return day - timedelta(days=day.weekday())


def last_complete_week(*, now: datetime) -> date:
    """The Monday of the last ISO week that has ended (Istanbul dates)."""
    return week_start(report_today(now=now)) - timedelta(days=7)


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def period_preset(*, preset: Preset, today: date) -> Period:
    """The calendar week, month, quarter or year holding `today` (not CUSTOM)."""
    if preset is Preset.WEEK:
        monday = week_start(today)
        return Period(start=monday, end=monday + timedelta(days=6))
    if preset is Preset.MONTH:
        return Period(start=today.replace(day=1), end=_month_end(today.year, today.month))
    if preset is Preset.QUARTER:
        first = 3 * ((today.month - 1) // 3) + 1
        return Period(start=date(today.year, first, 1), end=_month_end(today.year, first + 2))
    if preset is Preset.YEAR:
        return Period(start=date(today.year, 1, 1), end=date(today.year, 12, 31))
    raise ValueError(f"a custom period has no preset dates: {preset}")
