"""Repeat clusters: cases joined by a shared IMEI, repair order, phone or e-mail in the window."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from memnun.feedback.errors import NotPermitted
from memnun.feedback.models import Feedback
from memnun.feedback.selectors.reports.repeat_clusters import Cluster, repeat_clusters
from memnun.feedback.selectors.reports.scope import Period, ReportFilters
from memnun.feedback.services.intake import CustomerInput
from memnun.organisation.models import Category
from tests.casework import user
from tests.desk.helpers import signed_in
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db

PERIOD = Period(start=date(2026, 1, 1), end=date(2026, 6, 30))
PAGE = "/desk/reports/repeats/"
CUSTOM = {"period": "custom", "start": "2026-01-01", "end": "2026-06-30"}
IMEI, IMEI_2 = "490154203237518", "356938035643809"
PHONE, PHONE_2, PHONE_3 = "+905321110001", "+905321110002", "+905321110003"
PERSONAL = [IMEI, IMEI_2, PHONE, PHONE_2, PHONE_3, "SR-2026-0042", "ortak@example.com",
            "sube@example.com"]

_made = iter(range(1, 1000))


def _case(when: str, *, office: str = "istanbul", phone: str = "", email: str = "",
          **extra: Any) -> Feedback:
    n = next(_made)
    # Each case its own customer unless a test shares a value on purpose.
    customer = CustomerInput(name=f"Müşteri {n}", email=email or f"musteri{n}@example.com",
                             phone=phone)
    return record(received_at=at(when), office=office, customer=customer, **extra)


def _refs(*cases: Feedback) -> tuple[str, ...]:
    return tuple(c.reference for c in cases)


def _clusters(username: str = "quality", **filters: str) -> list[Cluster]:
    clusters, _scoped = repeat_clusters(
        period=PERIOD, filters=ReportFilters(**filters), viewer=user(username)
    )
    return clusters


@pytest.fixture
def fixture(demo: None) -> dict[str, tuple[Feedback, ...]]:
    imei = (_case("2026-02-02 10:00", imei=IMEI, brand="Samsung"),
            _case("2026-02-20 11:00", imei=IMEI, brand="Samsung"))
    order = (_case("2026-03-02 10:00", repair_order="SR-2026-0042"),
             _case("2026-03-05 10:00", repair_order="SR-2026-0042"))
    phone = (_case("2026-03-10 10:00", phone=PHONE), _case("2026-03-11 10:00", phone=PHONE))
    email = (_case("2026-04-01 10:00", email="ortak@example.com"),
             _case("2026-04-02 10:00", email="ortak@example.com"))
    # A chain: the first two share a phone, the last two an IMEI; the first and last nothing.
    chain = (_case("2026-05-04 10:00", phone=PHONE_2),
             _case("2026-05-06 10:00", phone=PHONE_2, imei=IMEI_2),
             _case("2026-05-20 10:00", imei=IMEI_2))
    # Another office, and one cluster across two offices.
    ankara = (_case("2026-06-01 10:00", office="ankara", phone=PHONE_3),
              _case("2026-06-03 10:00", office="ankara", phone=PHONE_3))
    across = (_case("2026-06-10 10:00", email="sube@example.com"),
              _case("2026-06-12 10:00", office="ankara", email="sube@example.com"))
    lone = (_case("2026-06-15 10:00"),)
    return {"imei": imei, "order": order, "phone": phone, "email": email, "chain": chain,
            "ankara": ankara, "across": across, "lone": lone}


def test_each_kind_of_match_makes_a_cluster_and_a_chain_makes_one(
    fixture: dict[str, tuple[Feedback, ...]],
) -> None:
    found = {c.references: c for c in _clusters()}
    assert set(found) == {_refs(*cases) for key, cases in fixture.items() if key != "lone"}
    assert found[_refs(*fixture["imei"])].matches == ("imei",)
    assert found[_refs(*fixture["order"])].matches == ("repair_order",)
    assert found[_refs(*fixture["phone"])].matches == ("phone",)
    assert found[_refs(*fixture["email"])].matches == ("email",)
    chain = found[_refs(*fixture["chain"])]
    assert chain.matches == ("imei", "phone") and chain.size == 3
    assert chain.first_received == at("2026-05-04 10:00")
    assert chain.last_received == at("2026-05-20 10:00")
    assert found[_refs(*fixture["across"])].offices == ("ankara", "istanbul")
    assert found[_refs(*fixture["imei"])].brands == ("samsung",)


def test_largest_first_then_the_latest(fixture: dict[str, tuple[Feedback, ...]]) -> None:
    order = [c.references for c in _clusters()]
    assert order == [_refs(*fixture[key]) for key in (
        "chain", "across", "ankara", "email", "phone", "order", "imei")]


def test_outside_the_window_is_not_joined(demo: None) -> None:
    first = _case("2026-01-05 10:00", imei=IMEI)
    second = _case("2026-02-14 10:00", imei=IMEI)  # 40 days later
    third = _case("2026-06-20 10:00", imei=IMEI)  # 126 days after the second
    assert second.is_repeat and not third.is_repeat
    assert [c.references for c in _clusters()] == [_refs(first, second)]
    with override_settings(MEMNUN_REPEAT_WINDOW_DAYS=30):
        assert _clusters() == []


def test_a_case_whose_repeat_is_outside_the_period_stands_alone(demo: None) -> None:
    _case("2025-12-20 10:00", imei=IMEI)
    inside = _case("2026-01-10 10:00", imei=IMEI)
    assert inside.is_repeat and _clusters() == []


def test_office_scope_and_filters(fixture: dict[str, tuple[Feedback, ...]]) -> None:
    # The reviewer (İstanbul) reads İstanbul's cases only: Ankara's pair is not theirs, and
    # the pair across both offices leaves them one case, no cluster.
    own = {c.references for c in _clusters("reviewer")}
    assert _refs(*fixture["ankara"]) not in own and _refs(*fixture["across"]) not in own
    assert _refs(*fixture["chain"]) in own
    assert all(c.offices == ("istanbul",) for c in _clusters("reviewer"))
    with pytest.raises(NotPermitted):
        _clusters("reviewer", office="ankara")
    with pytest.raises(NotPermitted):
        _clusters("handler")
    ankara = [c.references for c in _clusters("quality", office="ankara")]
    assert ankara == [_refs(*fixture["ankara"])]
    Feedback.objects.filter(pk=fixture["order"][0].pk).update(
        category=Category.objects.get(code="repair-delay"))
    by_category = _clusters("quality", category="repair-delay")
    assert by_category == []  # one case of the pair is in the category: no cluster
    Feedback.objects.filter(pk=fixture["order"][1].pk).update(
        category=Category.objects.get(code="repair-delay"))
    assert [c.categories for c in _clusters("quality", category="repair-delay")] == [
        ("repair-delay",)]


def test_only_the_marked_cases_and_their_partners_are_read(
    fixture: dict[str, tuple[Feedback, ...]],
) -> None:
    with CaptureQueriesContext(connection) as queries:
        _clusters()
    reads = [q["sql"] for q in queries.captured_queries if '"feedback_feedback"' in q["sql"]]
    # The marked cases, then the cases sharing any kind of their values (one query).
    assert len(reads) == 2
    assert all("is_repeat" in sql for sql in reads)
    # The marked ones are found by the partial index on their date, not by the office's.
    assert all('U0."is_repeat"' in sql for sql in reads)


@pytest.mark.parametrize(("username", "status"), [
    ("agent", 403), ("handler", 403), ("reviewer", 200), ("quality", 200), ("auditor", 200),
    ("manager", 200),
])
def test_who_may_open_the_page(demo: None, username: str, status: int) -> None:
    assert signed_in(username).get(PAGE).status_code == status


def test_the_page_lists_clusters_without_personal_data(
    fixture: dict[str, tuple[Feedback, ...]],
) -> None:
    response = signed_in("quality").get(PAGE, CUSTOM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "7 clusters" in html and "15 cases" in html
    for value in PERSONAL:
        assert value not in html
    chain = fixture["chain"]
    assert f'href="/desk/feedback/{chain[0].reference}"' in html
    assert "Same IMEI, Same phone number" in html
    assert "Same repair order" in html and "Same e-mail address" in html
    assert html.index(chain[0].reference) < html.index(fixture["imei"][0].reference)
    bad = signed_in("quality").get(PAGE, {**CUSTOM, "end": "2025-12-31"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()


def test_the_page_in_turkish(fixture: dict[str, tuple[Feedback, ...]]) -> None:
    client = signed_in("reviewer")
    html = client.get(PAGE, CUSTOM, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert 'lang="tr"' in html and "Aynı IMEI" in html
