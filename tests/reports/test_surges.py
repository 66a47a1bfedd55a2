"""Surges: the rule on known weekly counts, the weekly watch's alerts, the desk page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from memnun.feedback.codes import AlertKind
from memnun.feedback.models import Customer, Feedback, StaffAlert, Surge
from memnun.feedback.selectors.reports.periods import last_complete_week
from memnun.feedback.selectors.reports.surges import (
    surge_is,
    surge_threshold,
    surges_of_week,
)
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.staff_alerts import staff_alerts_send
from memnun.feedback.services.surges import surges_watch
from memnun.jobs.schedule import PERIODIC, autodiscover
from memnun.notifications.models import OutboundMessage
from memnun.organisation.models import Category, Office
from tests.casework import staff
from tests.desk.helpers import signed_in
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 16)  # a Monday; the week before 23 November 2026
PAGE = "/desk/reports/surges/"


# --- The rule, pure --------------------------------------------------------------------------


@pytest.mark.parametrize(("history", "threshold"), [
    ([0, 10, 0, 10, 0, 10, 0, 10], 15.0),  # mean 5, deviation 5
    ([4] * 8, 8.0),  # flat: the deviation is taken as √4 = 2
    ([25] * 8, 35.0),
    ([0] * 8, 0.0),
    ([], 0.0),
])
def test_threshold_is_the_mean_plus_two_deviations(history: list[int], threshold: float) -> None:
    assert surge_threshold(history) == pytest.approx(threshold)


@pytest.mark.parametrize(("count", "history", "surge"), [
    (14, [0, 10, 0, 10, 0, 10, 0, 10], False),  # below the threshold (15)
    (15, [0, 10, 0, 10, 0, 10, 0, 10], False),  # at it: not above
    (16, [0, 10, 0, 10, 0, 10, 0, 10], True),  # above
    (8, [4] * 8, False),  # a flat history: one more than the mean is no surge…
    (9, [4] * 8, True),  # …more than mean + 2√mean is
    (4, [0] * 8, False),  # too few, though nothing came before
    (5, [0] * 8, True),  # the minimum, after nothing
    (6, [1, 0, 0, 0, 0, 0, 0, 0], True),
    (4, [0, 0, 0, 0, 0, 0, 0, 1], False),  # above the norm but under the minimum
])
def test_the_rule_on_known_weekly_counts(count: int, history: list[int], surge: bool) -> None:
    assert surge_is(count, history, min_cases=5) is surge


def test_the_last_complete_week_is_the_iso_week_before_today_in_istanbul() -> None:
    assert last_complete_week(now=at("2026-11-23 00:05")) == WEEK  # Monday just after midnight
    assert last_complete_week(now=at("2026-11-22 23:55")) == WEEK - timedelta(days=7)


# --- Counted in the database -----------------------------------------------------------------

_made = iter(range(1, 10_000))


def _complaints(n: int, when: str, *, office: str = "istanbul", category: str | None = "parts",
                type: str = "complaint") -> None:
    for _ in range(n):
        k = next(_made)
        case = record(received_at=at(when), office=office, type=type,
                      customer=CustomerInput(name=f"Müşteri {k}", email=f"m{k}@example.com"))
        if category:
            Feedback.objects.filter(pk=case.pk).update(
                category=Category.objects.get(code=category))


@pytest.fixture
def weeks(demo: None) -> None:
    """İstanbul parts: 1 a week for 8 weeks, then 6 (a surge: threshold 1 + 2·1 = 3).
    Ankara parts: 4 in the week, none before (too few). İstanbul pricing: 2, 3, 2, 3… then
    5 (threshold 2.5 + 2·√2.5 ≈ 5.66: no surge)."""
    for back in range(1, 9):
        monday = WEEK - timedelta(days=7 * back)
        _complaints(1, f"{monday} 10:00")
        _complaints(2 if back % 2 else 3, f"{monday + timedelta(days=2)} 10:00",
                    category="pricing")
    _complaints(6, "2026-11-16 00:30")  # Monday, just after midnight in Istanbul
    _complaints(4, "2026-11-20 15:00", office="ankara")
    _complaints(5, "2026-11-22 23:30", category="pricing")  # Sunday night: still the week
    # Not counted: a suggestion, an unassessed complaint, and the Monday after.
    _complaints(3, "2026-11-18 10:00", type="suggestion")
    _complaints(3, "2026-11-18 10:00", category=None)
    _complaints(3, "2026-11-23 00:10")


def test_the_surges_of_a_week(weeks: None) -> None:
    found = surges_of_week(week=WEEK)
    assert [(s.office_id, s.category_id, s.count, s.history) for s in found] == [
        (Office.objects.get(code="istanbul").pk, Category.objects.get(code="parts").pk, 6,
         (1,) * 8)
    ]
    assert found[0].mean == 1.0 and found[0].threshold == 3.0
    with override_settings(MEMNUN_SURGE_MIN_CASES=4):
        # Ankara's 4 after nothing are now a surge too, and first: 4 above its threshold (0),
        # İstanbul's 6 are 3 above theirs.
        assert [s.count for s in surges_of_week(week=WEEK)] == [4, 6]
    with override_settings(MEMNUN_SURGE_MIN_CASES=7):
        assert surges_of_week(week=WEEK) == []


def test_anonymising_the_cases_changes_no_surge(weeks: None) -> None:
    before = surges_of_week(week=WEEK)
    Customer.objects.update(name="", email="", phone="", address="", name_folded="")
    Feedback.objects.update(subject="", description="", remedy_sought="", imei="",
                            device_serial="", repair_order="")
    assert surges_of_week(week=WEEK) == before


def test_the_watch_alerts_the_quality_managers_once(weeks: None) -> None:
    staff("quality-istanbul", "quality", office="istanbul")
    staff("quality-ankara", "quality", office="ankara")
    monday_night = at("2026-11-23 02:00")
    raised = surges_watch(now=monday_night)
    assert [(s.office.code, s.category.code, s.week_start, s.count) for s in raised] == [
        ("istanbul", "parts", WEEK, 6)]
    alerts = StaffAlert.objects.filter(kind=AlertKind.SURGE)
    # The quality managers of every office and of İstanbul; not Ankara's, not the leads.
    assert sorted(a.recipient.username for a in alerts) == ["quality", "quality-istanbul"]
    assert {a.deliver_after for a in alerts} == {at("2026-11-23 09:00")}
    # Idempotent: later runs of the week, and two runs the same minute, raise nothing more.
    assert surges_watch(now=monday_night) == []
    assert surges_watch(now=at("2026-11-25 14:00")) == []
    assert Surge.objects.count() == 1 and alerts.count() == 2
    # Delivered in office hours only, once.
    assert staff_alerts_send(now=monday_night + timedelta(hours=1)) == 0
    assert staff_alerts_send(now=at("2026-11-23 09:30")) == 2
    assert staff_alerts_send(now=at("2026-11-23 09:31")) == 0
    mail = OutboundMessage.objects.get(kind="surge_alert", recipient="quality@memnun.local")
    assert "Yedek parça" in mail.subject and "İstanbul" in mail.subject
    assert "/desk/reports/surges/?week=2026-11-16&office=istanbul" in mail.text


def test_the_watch_runs_every_hour() -> None:
    autodiscover()
    job = PERIODIC["feedback.surge_watch"]
    assert job.period == timedelta(hours=1)


@pytest.mark.parametrize("name", ["MEMNUN_SURGE_MIN_CASES", "MEMNUN_SURGE_HISTORY_WEEKS"])
def test_a_setting_below_one_is_refused(name: str) -> None:
    with override_settings(**{name: 0}):
        assert any(name in message.msg for message in run_checks())


# --- The desk page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("reviewer", 200), ("quality", 200), ("auditor", 200),
    ("manager", 200),
])
def test_who_may_open_the_page(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get(PAGE).status_code == status


def test_the_page_lists_the_weeks_surges_with_their_cases(weeks: None) -> None:
    client = signed_in("quality")
    with override_settings(MEMNUN_SURGE_MIN_CASES=4):
        html = client.get(PAGE, {"week": WEEK.isoformat()}).content.decode()
        assert "2 surges, largest rise first" in html
        table = html[html.index('id="surges"'):]
        assert table.index("Ankara") < table.index("İstanbul")
        # A reviewer reads their own office's surges only.
        own = signed_in("reviewer").get(PAGE, {"week": WEEK.isoformat()}).content.decode()
        assert "1 surge, largest rise first" in own and "Ankara</td>" not in own
    cases_url = "/desk/reports/surges/cases/?week=2026-11-16&amp;office=istanbul&amp;category=parts"
    assert f'<a href="{cases_url}">6</a>' in html
    listed = client.get(cases_url.replace("&amp;", "&")).content.decode()
    assert "6 complaints" in listed
    week_cases = Feedback.objects.filter(
        received_at__gte=at("2026-11-16 00:00"), received_at__lt=at("2026-11-23 00:00"),
        office__code="istanbul", category__code="parts", type="complaint")
    assert week_cases.count() == 6
    for case in week_cases:
        assert f'href="/desk/feedback/{case.reference}"' in listed
    reviewer = signed_in("reviewer")
    other = "/desk/reports/surges/cases/?week=2026-11-16&office=ankara&category=parts"
    assert reviewer.get(other).status_code == 403
    assert reviewer.get(PAGE, {"office": "ankara"}).status_code == 400  # not a choice for them


def test_no_surge(demo: None) -> None:
    html = signed_in("quality").get(PAGE).content.decode()
    assert "No surge that week." in html
