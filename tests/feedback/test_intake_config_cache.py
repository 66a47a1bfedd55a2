"""The configuration cache behind intake (memnun.configcache): a change is used by the
next intake in this process at once, and by other processes within the TTL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from memnun import configcache
from memnun.feedback.codes import ObligationKind
from memnun.feedback.errors import FieldErrors
from memnun.feedback.models import Obligation
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.notifications.models import MessageTemplate, OutboundMessage
from memnun.organisation.models import Office
from memnun.organisation.selectors import office_active
from memnun.servicelevels.models import Calendar, CalendarDay, DayKind, ServiceTarget, TargetMode
from memnun.servicelevels.store import calendar_changed, target_get

pytestmark = pytest.mark.django_db


def _intake(**overrides: Any) -> Any:
    data = IntakeInput(**{
        "type": "complaint", "channel": "web", "office": "istanbul",
        "subject": "Ekran değişimi gecikti", "description": "Üç haftadır serviste.",
        "customer": CustomerInput(name="Işıl Öztürk", email="isil@example.com"),
        "privacy_notice": True, **overrides,
    })
    return feedback_record(data=data, actor=None).feedback


def _resolution_due(feedback: Any) -> Any:
    return Obligation.objects.get(feedback=feedback, kind=ObligationKind.RESOLUTION).due_at


class FakeClock:
    """The cache's clock, moved by hand: what a second process's cache sees as time passes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_changed_service_target_is_used_by_the_next_intake(demo: None) -> None:
    before = _resolution_due(_intake())
    ServiceTarget.objects.create(
        key="resolution:complaint", mode=TargetMode.BUSINESS, minutes=30 * 9 * 60,
        warn_at_percent=80,
    )
    after = _resolution_due(_intake())
    # Ten business days became thirty: weeks later, not the same day.
    assert after - before > timedelta(days=20)


def test_a_new_holiday_is_used_by_the_next_intake(demo: None) -> None:
    first = _intake()
    before = _resolution_due(first)
    calendar = Office.objects.get(code="istanbul").calendar
    assert calendar is not None
    today = timezone.localdate()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=calendar, date=today + timedelta(days=d), kind=DayKind.CLOSED)
        for d in range(0, 30)
    )
    calendar_changed(calendar=calendar)  # as the admin does after editing the days
    after = _resolution_due(_intake())
    assert after.date() > (today + timedelta(days=29)) >= before.date()


def test_a_changed_message_template_is_used_by_the_next_intake(demo: None) -> None:
    first = _intake()
    assert OutboundMessage.objects.get(thread_key=first.reference).subject.count("Yeni söz") == 0
    MessageTemplate.objects.create(
        kind="acknowledgement", language="tr", subject="Yeni söz {{ reference }}", active=True
    )
    second = _intake()
    assert OutboundMessage.objects.get(thread_key=second.reference).subject.startswith("Yeni söz")


def test_a_deactivated_office_is_refused_by_the_next_intake(demo: None) -> None:
    _intake()
    office = Office.objects.get(code="istanbul")
    office.is_active = False
    office.save()
    with pytest.raises(FieldErrors) as refused:
        _intake()
    assert "office" in refused.value.fields


def test_another_process_change_is_seen_within_the_ttl(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(configcache, "clock", clock)
    assert target_get(["first_response"]).minutes == 2 * 9 * 60
    ServiceTarget.objects.create(
        key="first_response", mode=TargetMode.BUSINESS, minutes=60, warn_at_percent=80
    )
    assert target_get(["first_response"]).minutes == 60  # this process: at once
    # Another process changes the row: no signal reaches this one (a raw update is the same).
    ServiceTarget.objects.filter(key="first_response").update(minutes=90)
    clock.now += configcache.TTL_SECONDS - 0.01
    assert target_get(["first_response"]).minutes == 60  # cached, within the bound
    clock.now += 0.02
    assert target_get(["first_response"]).minutes == 90  # seen once the TTL has passed


def test_cached_offices_are_copies_callers_cannot_spoil(demo: None) -> None:
    office = office_active(code="istanbul")
    assert office is not None
    office.name = "spoilt"
    again = office_active(code="istanbul")
    assert again is not None and again is not office and again.name != "spoilt"



def test_a_relation_replaced_on_a_copy_stays_with_that_copy(
    demo: None, django_assert_num_queries: Any
) -> None:
    first = office_active(code="istanbul")
    assert first is not None
    calendar = first.calendar
    first.calendar = Calendar(name="elsewhere")  # replaced on this copy only
    # The next copy: the cached office, with the calendar read along with it.
    with django_assert_num_queries(0):
        again = office_active(code="istanbul")
        assert again is not None and again.calendar.pk == calendar.pk
        assert again.calendar.name == calendar.name != "elsewhere"
    assert again._state is not first._state and again._state.adding is False
