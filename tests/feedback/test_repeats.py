"""Repeat detection: other feedback of the window sharing an IMEI, phone, e-mail or repair order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.utils import timezone

from memnun.feedback.models import Feedback
from memnun.feedback.services.intake import CustomerInput
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db

IMEI = "490154203237518"
PHONE = "+905321234567"


def _customer(n: int, **given: str) -> CustomerInput:
    # Each case its own customer unless a test shares a value on purpose.
    values = {"name": f"Müşteri {n}", "email": f"musteri{n}@example.com"} | given
    return CustomerInput(**values)


def _days_ago(days: float) -> Any:
    return timezone.now() - timedelta(days=days)


def _case(
    api: Client, headers: Callable[[str], dict[str, str]], feedback: Feedback
) -> dict[str, Any]:
    response = api.get(f"/api/v1/feedback/{feedback.reference}", headers=headers("quality"))
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("match", "first", "second"),
    [
        ("imei", {"imei": IMEI}, {"imei": IMEI}),
        ("repair_order", {"repair_order": "SR-2026-0042"}, {"repair_order": "SR-2026-0042"}),
        ("phone", {"customer": {"phone": PHONE}}, {"customer": {"phone": "0532 123 45 67"}}),
        ("email", {"customer": {"email": "ayse@example.com"}},
         {"customer": {"email": "Ayse@Example.com"}}),
    ],
)
def test_each_kind_of_match_is_found_and_marked_at_intake(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]],
    match: str, first: dict[str, Any], second: dict[str, Any],
) -> None:
    def make(n: int, given: dict[str, Any], days: float) -> Feedback:
        extra = {k: v for k, v in given.items() if k != "customer"}
        return record(customer=_customer(n, **given.get("customer", {})),
                      received_at=_days_ago(days), **extra)

    older = make(1, first, 20)
    newer = make(2, second, 1)
    unrelated = make(3, {}, 2)
    assert (older.is_repeat, newer.is_repeat, unrelated.is_repeat) == (False, True, False)
    assert _case(api, staff_headers, newer)["repeats"] == [
        {"reference": older.reference, "received_at": _case(api, staff_headers, older)[
            "received_at"], "match": match}
    ]
    # Seen from the older case too: the customer came back.
    assert [r["reference"] for r in _case(api, staff_headers, older)["repeats"]] == [
        newer.reference
    ]
    assert _case(api, staff_headers, unrelated)["repeats"] == []


def test_outside_the_window_is_no_repeat(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    old = record(customer=_customer(1), imei=IMEI, received_at=_days_ago(100))
    within = record(customer=_customer(2), imei=IMEI, received_at=_days_ago(50))
    new = record(customer=_customer(3), imei=IMEI, received_at=_days_ago(1))
    assert [r["reference"] for r in _case(api, staff_headers, new)["repeats"]] == [
        within.reference
    ]
    assert [r["reference"] for r in _case(api, staff_headers, old)["repeats"]] == [
        within.reference
    ]
    assert (old.is_repeat, within.is_repeat, new.is_repeat) == (False, True, True)
    with override_settings(MEMNUN_REPEAT_WINDOW_DAYS=30):
        assert _case(api, staff_headers, new)["repeats"] == []
        lone = record(customer=_customer(4), imei=IMEI, received_at=_days_ago(140))
    assert lone.is_repeat is False  # 40 days before the old one: a repeat only in 90 days


def test_newest_first_one_entry_per_case_by_its_strongest_match(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    shared = {"phone": PHONE, "email": "ayse@example.com"}
    a = record(customer=_customer(1, **shared), imei=IMEI, received_at=_days_ago(30))
    b = record(customer=_customer(2, email="ayse@example.com"), received_at=_days_ago(10))
    c = record(customer=_customer(3, phone=PHONE), received_at=_days_ago(20))
    now = record(customer=_customer(4, **shared), imei=IMEI, received_at=_days_ago(0))
    repeats = _case(api, staff_headers, now)["repeats"]
    assert [(r["reference"], r["match"]) for r in repeats] == [
        (b.reference, "email"), (c.reference, "phone"), (a.reference, "imei"),
    ]


def test_blank_values_match_nothing(demo: None) -> None:
    record(customer=_customer(1, phone=PHONE), received_at=_days_ago(3))
    lone = record(customer=_customer(2, phone=""), received_at=_days_ago(1))
    assert lone.is_repeat is False


def test_the_matched_value_never_appears(
    demo: None, api: Client, staff_headers: Callable[[str], dict[str, str]]
) -> None:
    record(customer=_customer(1, phone=PHONE), imei=IMEI, repair_order="SR-77",
           received_at=_days_ago(5))
    new = record(customer=_customer(2, phone=PHONE), imei=IMEI, repair_order="SR-77",
                 received_at=_days_ago(1))
    repeats = str(_case(api, staff_headers, new)["repeats"])
    for value in (IMEI, PHONE, "5321234567", "SR-77", "musteri1@example.com"):
        assert value not in repeats


@pytest.mark.parametrize("value", [0, -1, "90", True])
def test_a_window_that_cannot_work_is_refused_at_start_up(value: object) -> None:
    with override_settings(MEMNUN_REPEAT_WINDOW_DAYS=value):
        assert "memnun.E002" in [m.id for m in run_checks()]
    assert "memnun.E002" not in [m.id for m in run_checks()]
