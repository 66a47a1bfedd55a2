"""Repeats on the desk: the case page lists them (never the shared value), the queue marks them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from memnun.feedback.services.intake import CustomerInput
from tests.desk.helpers import signed_in
from tests.feedback.cases import record

pytestmark = pytest.mark.django_db

IMEI = "490154203237518"
PHONE = "+905321234567"


def test_the_case_page_lists_repeats_as_links_with_the_kind_of_match(demo: None) -> None:
    now = timezone.now()
    older = record(customer=CustomerInput(name="Ayşe Kaya", email="ayse@example.com",
                                          phone=PHONE),
                   imei=IMEI, received_at=now - timedelta(days=12))
    newer = record(customer=CustomerInput(name="Ayşe Kaya", email="baska@example.com",
                                          phone=PHONE),
                   imei=IMEI, received_at=now - timedelta(days=1))
    page = signed_in("reviewer").get(f"/desk/feedback/{newer.reference}").content.decode()
    assert 'id="repeats-heading"' in page
    assert f'href="/desk/feedback/{older.reference}"' in page
    assert "Same IMEI" in page
    section = page.split('id="repeats-heading"', 1)[1].split("</section>", 1)[0]
    for value in (IMEI, PHONE, "532 123", "ayse@example.com"):
        assert value not in section


def test_a_case_without_repeats_shows_no_section(demo: None) -> None:
    lone = record(customer=CustomerInput(name="Tek Kişi", email="tek@example.com"))
    page = signed_in("reviewer").get(f"/desk/feedback/{lone.reference}").content.decode()
    assert 'id="repeats-heading"' not in page


def test_the_queue_marks_repeat_cases(demo: None) -> None:
    now = timezone.now()
    first = record(customer=CustomerInput(name="Ali Veli", email="ali@example.com"),
                   repair_order="SR-9", received_at=now - timedelta(days=3))
    again = record(customer=CustomerInput(name="Ali Veli", email="ali2@example.com"),
                   repair_order="SR-9", received_at=now - timedelta(days=1))
    page = signed_in("reviewer").get("/desk/queue/").content.decode()
    rows = {ref: page.split(f">{ref}</a>", 1)[1].split("</th>", 1)[0]
            for ref in (first.reference, again.reference)}
    assert 'class="badge repeat"' in rows[again.reference]
    assert 'class="badge repeat"' not in rows[first.reference]
