"""Volume over time: per day, week or month by the period's length, by Istanbul date."""

from __future__ import annotations

from datetime import date

import pytest

from memnun.feedback.selectors.reports import Period, ReportFilters
from memnun.feedback.selectors.reports.over_time import (
    over_time_unit,
    received_over_time_report,
)
from tests.casework import user
from tests.reports.known_cases import week


def _period(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(("start", "end", "unit"), [
    ("2025-04-21", "2025-04-21", "day"),
    ("2025-01-01", "2025-01-31", "day"),
    ("2025-01-01", "2025-02-01", "week"),
    ("2025-01-01", "2025-06-30", "week"),
    ("2025-01-01", "2025-12-31", "month"),
])
def test_the_unit_follows_the_period_s_length(start: str, end: str, unit: str) -> None:
    assert over_time_unit(_period(start, end)) == unit


@pytest.mark.django_db
def test_each_day_counts_the_cases_of_its_istanbul_date(demo: None) -> None:
    week()
    answer = received_over_time_report(period=_period("2025-04-20", "2025-04-26"),
                                       filters=ReportFilters(), viewer=user("quality"))
    assert answer == {"unit": "day", "points": [
        # Sun 23:59 (Izmir); A and E; B at 20:00; C on the holiday; D; F and H at 23:30
        # (20:30 UTC, still the 25th in Istanbul); Sat 00:00 (Izmir).
        {"start": "2025-04-20", "count": 1}, {"start": "2025-04-21", "count": 2},
        {"start": "2025-04-22", "count": 1}, {"start": "2025-04-23", "count": 1},
        {"start": "2025-04-24", "count": 1}, {"start": "2025-04-25", "count": 2},
        {"start": "2025-04-26", "count": 1},
    ]}


@pytest.mark.django_db
def test_weeks_and_months_with_the_filters_and_every_unit_present(demo: None) -> None:
    week()
    weeks = received_over_time_report(period=_period("2025-04-01", "2025-05-31"),
                                      filters=ReportFilters(), viewer=user("quality"))
    assert weeks["unit"] == "week"
    counts = {p["start"]: p["count"] for p in weeks["points"]}
    assert counts["2025-04-14"] == 1 and counts["2025-04-21"] == 8 and counts["2025-03-31"] == 0
    assert sum(counts.values()) == 9 and len(counts) == 9
    months = received_over_time_report(period=_period("2025-01-01", "2025-12-31"),
                                       filters=ReportFilters(office="ankara"),
                                       viewer=user("manager"))
    assert months["unit"] == "month" and len(months["points"]) == 12
    assert {p["start"]: p["count"] for p in months["points"]}["2025-04-01"] == 2
