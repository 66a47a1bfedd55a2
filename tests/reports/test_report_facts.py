"""The report facts: written by the services as events happen, refilled by `reports_backfill`."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from memnun.feedback.models import Feedback
from memnun.feedback.report_facts import FACT_FIELDS, business_tenths
from memnun.feedback.selectors.reports.over_time import over_time
from memnun.feedback.selectors.reports.scope import Period
from memnun.servicelevels.store import calendar_get
from tests.feedback.cases import at
from tests.reports.known_cases import week


def _facts() -> dict[str, tuple[int | None, ...]]:
    return {
        row[0]: row[1:]
        for row in Feedback.objects.order_by("pk").values_list("reference", *FACT_FIELDS)
    }


@pytest.mark.django_db
def test_the_backfill_recomputes_what_the_services_wrote_and_is_idempotent(demo: None) -> None:
    week()
    written = _facts()
    assert sorted(v for v in written.values() if any(x is not None for x in v)) == sorted([
        (50, 110, 110, 140),   # A
        (0, 10, None, 10),     # E, merged
        (70, 130, 130, 160),   # B
        (0, 15, 165, 168),     # D, reopened: its first closure stays
    ])
    Feedback.objects.update(**dict.fromkeys(FACT_FIELDS))
    out, err = StringIO(), StringIO()
    call_command("reports_backfill", "--batch-size", "2", stdout=out, stderr=err)
    assert _facts() == written
    assert "Report facts written for 4 cases." in out.getvalue()
    assert "4/4 cases" in err.getvalue()
    again = StringIO()
    call_command("reports_backfill", stdout=again, stderr=StringIO())
    assert "written for 0 cases" in again.getvalue()


@pytest.mark.django_db
def test_tenths_round_to_the_nearest_half_up(demo: None) -> None:
    calendar = calendar_get(None)
    start = at("2025-04-21 09:00")
    assert business_tenths(calendar, start, at("2025-04-21 09:02")) == 0  # 0.033 h
    assert business_tenths(calendar, start, at("2025-04-21 09:03")) == 1  # 0.05 h, half up
    assert business_tenths(calendar, start, at("2025-04-21 21:00")) == 90  # closed at 18:00


def test_over_time_counts_by_day_week_or_month_from_the_period_start() -> None:
    per_day = {date(2025, 4, 2): 1, date(2025, 4, 7): 2, date(2025, 6, 30): 4}
    weeks = over_time(Period(date(2025, 4, 2), date(2025, 4, 13)), per_day)
    assert weeks["unit"] == "day" and len(weeks["points"]) == 12
    quarter = over_time(Period(date(2025, 4, 2), date(2025, 6, 30)), per_day)
    assert quarter["unit"] == "week"
    assert quarter["points"][:2] == [{"start": "2025-04-02", "count": 1},  # Wed: clipped
                                     {"start": "2025-04-07", "count": 2}]
    assert quarter["points"][-1] == {"start": "2025-06-30", "count": 4}
    year = over_time(Period(date(2025, 1, 1), date(2025, 12, 31)), per_day)
    assert year["unit"] == "month" and len(year["points"]) == 12
    assert year["points"][3] == {"start": "2025-04-01", "count": 3}
