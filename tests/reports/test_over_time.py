"""Volume over time: per day, week or month by the period's length, by Istanbul date.

One home (`selectors/reports/over_time.py`): the KPI answer's `received.over_time`,
which the dashboard draws and links unit by unit.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from memnun.feedback.selectors.reports import Period, ReportFilters, kpi
from memnun.feedback.selectors.reports.drill import cases_behind
from memnun.feedback.selectors.reports.over_time import over_time_unit
from tests.casework import user
from tests.desk.helpers import signed_in
from tests.reports.known_cases import week


def _period(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


def _series(start: str, end: str, filters: ReportFilters, viewer: str) -> dict:
    answer = kpi(period=_period(start, end), filters=filters, viewer=user(viewer))
    return answer["received"]["over_time"]


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
    for raw in (False, True):  # the rollup and the raw cases give the same series
        answer = kpi(period=_period("2025-04-20", "2025-04-26"), filters=ReportFilters(),
                     viewer=user("quality"), raw=raw)
        assert answer["received"]["over_time"] == {"unit": "day", "points": [
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
    weeks = _series("2025-04-01", "2025-05-31", ReportFilters(), "quality")
    assert weeks["unit"] == "week"
    counts = {p["start"]: p["count"] for p in weeks["points"]}
    # The first week starts on the period's first day (a Tuesday), the others on Mondays.
    assert list(counts)[:2] == ["2025-04-01", "2025-04-07"]
    assert counts["2025-04-14"] == 1 and counts["2025-04-21"] == 8
    assert sum(counts.values()) == 9 and len(counts) == 9
    months = _series("2025-01-01", "2025-12-31", ReportFilters(office="ankara"), "manager")
    assert months["unit"] == "month" and len(months["points"]) == 12
    assert {p["start"]: p["count"] for p in months["points"]}["2025-04-01"] == 2


@pytest.mark.django_db
def test_each_unit_on_the_dashboard_links_to_exactly_its_cases(demo: None) -> None:
    week()
    # Wednesday 16 April to the end of June: weeks, the first one Wed 16 to Sun 20 April.
    html = signed_in("quality").get("/desk/reports/", {
        "period": "custom", "start": "2025-04-16", "end": "2025-06-30"}).content.decode()
    table = html[html.index('id="received-over-time"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]*)</th><td[^>]*>(?:<a href="([^"]*)">)?([^<]*)',
                      table)
    assert [label for label, _url, _n in rows[:2]] == ["16.04.2025", "21.04.2025"]
    linked = [(url, int(n)) for _label, url, n in rows if url]
    assert len(linked) == 2  # the Sunday case's week, and the week's eight
    for url, count in linked:
        query = {k: v[0] for k, v in parse_qs(urlsplit(unescape(url)).query).items()}
        listed = cases_behind(code=query["metric"], key=None,
                              period=_period(query["from"], query["to"]),
                              filters=ReportFilters(), viewer=user("quality"))
        assert listed.count() == count, query
