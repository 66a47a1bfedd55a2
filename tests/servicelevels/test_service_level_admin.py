"""An administrator edits calendars and targets; open deadlines follow in the same save."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from memnun.accounts.models import User
from memnun.audit.chain import audit_verify
from memnun.audit.models import AuditEvent
from memnun.feedback.models import Obligation
from memnun.organisation.models import Category, Office
from memnun.servicelevels.models import Calendar, ServiceTarget
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(demo: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def calendar_form(calendar: Calendar, periods: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The admin change form of a calendar with its weekly periods replaced."""
    existing = list(calendar.periods.order_by("id"))
    data: dict[str, Any] = {
        "code": calendar.code, "name": calendar.name, "timezone": calendar.timezone,
        "turkish_holidays": "on" if calendar.turkish_holidays else "",
        "periods-TOTAL_FORMS": str(max(len(existing), len(periods))),
        "periods-INITIAL_FORMS": str(len(existing)),
        "periods-MIN_NUM_FORMS": "0", "periods-MAX_NUM_FORMS": "1000",
        "days-TOTAL_FORMS": "0", "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
    }
    for i in range(max(len(existing), len(periods))):
        prefix = f"periods-{i}-"
        data[prefix + "calendar"] = str(calendar.pk)
        if i < len(existing):
            data[prefix + "id"] = str(existing[i].pk)
        if i < len(periods):
            weekday, opens, closes = periods[i]
            data.update({prefix + "weekday": str(weekday), prefix + "opens": opens,
                         prefix + "closes": closes})
        else:
            data[prefix + "DELETE"] = "on"
    return data


WEEK = [(d, "09:00", "18:00") for d in range(5)]


def ack_due(case: Any) -> Any:
    return Obligation.objects.get(feedback=case, kind="acknowledgement").due_at


def test_later_monday_opening_moves_open_deadlines(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    answered = record(channel="phone", received_at=at("2026-11-20 20:00"))
    answered_ack = ack_due(answered)
    calendar = Calendar.objects.get(code="standard")
    periods = [(0, "10:00", "18:00"), *WEEK[1:]]
    url = f"/admin/servicelevels/calendar/{calendar.pk}/change/"
    response = admin_client.post(url, calendar_form(calendar, periods))
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert ack_due(case) == at("2026-11-23 16:00")
    case.refresh_from_db()
    assert case.ack_due_at == at("2026-11-23 16:00") == case.next_due_at
    # A met acknowledgement keeps the deadline it was judged by.
    assert ack_due(answered) == answered_ack
    event = AuditEvent.objects.get(object_id=case.reference, action="feedback.deadlines_recomputed")
    assert event.actor == "admin" and "standard" in event.data["reason"]
    assert event.data["before"]["acknowledgement"]["due_at"].startswith("2026-11-23T12:00")
    assert event.data["after"]["acknowledgement"]["due_at"].startswith("2026-11-23T13:00")
    assert audit_verify().ok


def test_overlapping_periods_are_refused_and_nothing_moves(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    calendar = Calendar.objects.get(code="standard")
    periods = [(0, "09:00", "13:00"), (0, "12:00", "18:00"), *WEEK[1:]]
    url = f"/admin/servicelevels/calendar/{calendar.pk}/change/"
    response = admin_client.post(url, calendar_form(calendar, periods))
    assert response.status_code == 200
    assert "overlap" in response.content.decode() or "çakış" in response.content.decode()
    calendar.refresh_from_db()
    assert calendar.version == 1 and ack_due(case) == at("2026-11-23 15:00")


def test_a_calendar_without_hours_is_refused(admin_client: Client) -> None:
    calendar = Calendar.objects.get(code="standard")
    url = f"/admin/servicelevels/calendar/{calendar.pk}/change/"
    response = admin_client.post(url, calendar_form(calendar, []))
    assert response.status_code == 200
    assert calendar.periods.count() == 5


def test_an_exception_day_moves_deadlines(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    calendar = Calendar.objects.get(code="standard")
    data = calendar_form(calendar, WEEK)
    data.update({
        "days-TOTAL_FORMS": "1", "days-0-calendar": str(calendar.pk),
        "days-0-date": "2026-11-23", "days-0-kind": "closed", "days-0-note": "Bakım",
    })
    url = f"/admin/servicelevels/calendar/{calendar.pk}/change/"
    assert admin_client.post(url, data).status_code == 302
    assert ack_due(case) == at("2026-11-24 15:00")


def test_a_stored_target_overrides_the_built_in_one(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    response = admin_client.post(
        "/admin/servicelevels/servicetarget/add/",
        {"key": "ack:fax", "description": "Faks: iki saat", "mode": "business",
         "minutes": "120", "warn_at_percent": "50"},
    )
    assert response.status_code == 302
    assert ack_due(case) == at("2026-11-23 11:00")
    target = ServiceTarget.objects.get(key="ack:fax")
    response = admin_client.post(f"/admin/servicelevels/servicetarget/{target.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    assert ack_due(case) == at("2026-11-23 15:00")


def test_moving_an_office_to_another_calendar_moves_its_deadlines(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"), office="ankara")
    other = record(channel="fax", received_at=at("2026-11-20 20:00"), office="izmir")
    saturdays = Calendar.objects.create(code="six-days", name="Pzt–Cmt")
    for day in range(6):
        saturdays.periods.create(weekday=day, opens="09:00", closes="18:00")
    ankara = Office.objects.get(code="ankara")
    response = admin_client.post(
        f"/admin/organisation/office/{ankara.pk}/change/",
        {"code": "ankara", "name": ankara.name, "address": ankara.address,
         "calendar": str(saturdays.pk), "is_active": "on"},
    )
    assert response.status_code == 302
    # Open on Saturday: the clock starts Saturday 09:00.
    assert ack_due(case) == at("2026-11-21 15:00")
    assert ack_due(other) == at("2026-11-23 15:00")


def test_marking_a_category_as_a_safety_hazard_shortens_its_cases(admin_client: Client) -> None:
    case = record(channel="fax", received_at=at("2026-11-20 20:00"))
    category = Category.objects.get(code="data-loss")
    case.category = category
    case.save(update_fields=["category"])
    response = admin_client.post(
        f"/admin/organisation/category/{category.pk}/change/",
        {"code": category.code, "name_tr": category.name_tr, "name_en": category.name_en,
         "is_safety": "on", "is_active": "on"},
    )
    assert response.status_code == 302
    resolution = Obligation.objects.get(feedback=case, kind="resolution")
    assert resolution.target_key == "resolution:safety"
