"""The fair queue: earliest running deadline, then receipt, then id; never the customer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memnun.accounts.models import User
from memnun.feedback.errors import FieldErrors, NotPermitted
from memnun.feedback.models import Customer, Feedback
from memnun.feedback.references import reference_format
from memnun.feedback.selectors.queue import queue_page
from memnun.feedback.services.acknowledgement import feedback_acknowledge_delivered
from memnun.feedback.services.intake import CustomerInput
from memnun.feedback.services.obligations import obligations_pause
from memnun.organisation.models import Brand, Office
from tests.feedback.cases import at, record

pytestmark = pytest.mark.django_db
Headers = Callable[[str], dict[str, str]]
T0 = at("2026-11-02 09:00")


def user(name: str) -> User:
    return User.objects.get(username=name)


def refs(page: Any) -> list[str]:
    return [f.reference for f in page.items]


def walk(viewer: User, limit: int, office: str | None = None) -> list[str]:
    """Every reference, following the cursors page by page."""
    seen: list[str] = []
    cursor = None
    for _ in range(1000):
        page = queue_page(user=viewer, office=office, limit=limit, cursor=cursor)
        seen += refs(page)
        cursor = page.next
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


_seq = iter(range(1, 10**6))


def bulk(rows: list[tuple[datetime | None, datetime, str]]) -> list[Feedback]:
    """Cases with given (next due, received, status), straight into the table."""
    office = Office.objects.get(code="istanbul")
    customer = Customer.objects.create(name="Test")
    made = Feedback.objects.bulk_create(
        Feedback(
            reference=reference_format(year=2026, seq=next(_seq)), tracking_code_hash="0" * 64,
            type="complaint", channel="fax", office=office, status=status, subject="s",
            description="d", customer=customer, received_at=received,
            privacy_notice_version="2026-01", next_due_at=due,
            next_due_kind="resolution" if due else "",
        )
        for due, received, status in rows
    )
    return made


def test_earliest_deadline_first_then_receipt_then_id(demo: None) -> None:
    a, b, c, d, e = bulk([
        (T0 + timedelta(hours=5), T0, "created"),
        (T0 + timedelta(hours=1), T0 + timedelta(hours=2), "in_progress"),
        (T0 + timedelta(hours=5), T0 - timedelta(hours=1), "created"),
        (None, T0 - timedelta(days=9), "resolved"),
        (T0 + timedelta(hours=5), T0, "under_review"),
    ])
    bulk([(T0, T0, "closed")])
    page = queue_page(user=user("quality"))
    assert refs(page) == [b.reference, c.reference, a.reference, e.reference, d.reference]
    assert page.next is None


def test_pages_follow_on_without_gaps_or_repeats(demo: None) -> None:
    rows = [(T0 + timedelta(minutes=i % 3), T0 - timedelta(minutes=i % 2), "created")
            for i in range(7)]
    rows += [(None, T0 + timedelta(minutes=i % 2), "resolved") for i in range(5)]
    bulk(rows)
    everything = refs(queue_page(user=user("quality"), limit=200))
    assert len(everything) == 12
    for limit in (1, 2, 3, 5, 7, 11):
        assert walk(user("quality"), limit) == everything


def test_intake_places_cases_by_their_deadline(demo: None) -> None:
    web = record(channel="web", received_at=at("2026-11-20 10:00"))  # due in ten minutes
    fax = record(channel="fax", received_at=at("2026-11-20 09:00"))  # due at 15:00
    phoned = record(channel="phone", received_at=at("2026-11-20 08:00"))  # acknowledged
    assert refs(queue_page(user=user("agent"))) == [web.reference, fax.reference, phoned.reference]
    feedback_acknowledge_delivered(feedback=web, method="email", sent_at=at("2026-11-20 10:05"))
    assert refs(queue_page(user=user("agent"))) == [fax.reference, phoned.reference, web.reference]
    # Waiting for the customer takes the resolution clock out of the order.
    obligations_pause(feedback=phoned, at=at("2026-11-20 11:00"))
    page = queue_page(user=user("agent"))
    assert refs(page)[-1] == phoned.reference and page.items[-1].next_due_at is None


def test_the_customer_never_changes_the_order(demo: None) -> None:
    """Same case, different customers: order by receipt and id only, before and after a swap."""
    received = at("2026-11-20 20:00")
    ordinary = CustomerInput(name="Ali Veli", phone="+90 532 111 22 33", language="tr")
    prominent = CustomerInput(
        name="Dr. Prof. Zeynep Kaya", email="ceo@bigcorp.example", phone="+90 532 999 99 99",
        preferred_contact="email", language="en",
    )
    first = record(channel="fax", received_at=received, customer=ordinary, brand="xiaomi")
    second = record(channel="fax", received_at=received, customer=prominent, brand="apple")
    third = record(channel="fax", received_at=received - timedelta(minutes=1), customer=ordinary)
    expected = [third.reference, first.reference, second.reference]
    assert refs(queue_page(user=user("agent"))) == expected
    # Swap who they are and what they bought: nothing moves.
    first_customer, second_customer = first.customer_id, second.customer_id
    Feedback.objects.filter(pk=first.pk).update(
        customer_id=second_customer, brand=Brand.objects.get(code="apple")
    )
    Feedback.objects.filter(pk=second.pk).update(
        customer_id=first_customer, brand=Brand.objects.get(code="xiaomi")
    )
    Customer.objects.filter(pk=second_customer).update(language="tr", name="Aaa")
    assert refs(queue_page(user=user("agent"))) == expected
    assert walk(user("agent"), 1) == expected


times = st.integers(0, 40).map(lambda m: T0 + timedelta(minutes=15 * m))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.none() | times, times, st.sampled_from(["created", "resolved", "closed"])),
        max_size=14,
    ),
    st.integers(1, 6),
)
def test_matches_a_sorted_reference(
    demo: None, rows: list[tuple[datetime | None, datetime, str]], limit: int
) -> None:
    Feedback.objects.all().delete()
    made = bulk(rows)
    open_cases = [f for f in made if f.status != "closed"]
    far = T0 + timedelta(days=3650)
    reference = sorted(
        open_cases,
        key=lambda f: (f.next_due_at is None, f.next_due_at or far, f.received_at, f.pk),
    )
    assert walk(user("quality"), limit) == [f.reference for f in reference]


def test_office_scope(demo: None) -> None:
    here = record(office="istanbul")
    there = record(office="ankara", actor="quality")
    assert refs(queue_page(user=user("agent"))) == [here.reference]
    assert set(refs(queue_page(user=user("auditor")))) == {here.reference, there.reference}
    assert refs(queue_page(user=user("quality"), office="ankara")) == [there.reference]
    assert refs(queue_page(user=user("agent"), office="istanbul")) == [here.reference]
    with pytest.raises(NotPermitted):
        queue_page(user=user("agent"), office="ankara")
    with pytest.raises(FieldErrors):
        queue_page(user=user("quality"), office="bursa")


def test_a_first_page_is_one_query(demo: None, django_assert_num_queries: Any) -> None:
    bulk([(T0 + timedelta(minutes=i), T0, "created") for i in range(30)])
    quality, agent = user("quality"), user("agent")
    with django_assert_num_queries(1):
        page = queue_page(user=quality, limit=10)
        assert [f.office.code for f in page.items] == ["istanbul"] * 10
    with django_assert_num_queries(2):  # the office, then the page
        page = queue_page(user=agent, limit=10, cursor=page.next)
    assert len(page.items) == 10


# --- the API ---


def test_the_api_pages_the_queue(api: Client, staff_headers: Headers) -> None:
    fax = record(channel="fax", received_at=at("2026-11-20 20:00"))
    web = record(channel="web", received_at=at("2026-11-20 10:00"))
    headers = staff_headers("agent")
    first = api.get("/api/v1/queue?limit=1", headers=headers)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["items"] == [{
        "reference": web.reference, "type": "complaint", "status": "created",
        "office": "istanbul", "received_at": "2026-11-20T10:00:00+03:00",
        "due_at": "2026-11-20T10:01:00+03:00", "due": "acknowledgement",
    }]
    second = api.get(f"/api/v1/queue?limit=1&cursor={body['next']}", headers=headers).json()
    assert [i["reference"] for i in second["items"]] == [fax.reference]
    assert second["items"][0]["due_at"] == "2026-11-23T15:00:00+03:00"
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("office=ankara", 403, None),
        ("office=bursa", 422, "office"),
        ("cursor=bm90LWEtY3Vyc29y", 422, "cursor"),
        ("cursor=%%%", 422, "cursor"),
        ("cursor=WzEsMiwzXQ==", 422, "cursor"),
        ("limit=0", 422, "limit"),
        ("limit=201", 422, "limit"),
        ("limit=ten", 422, "limit"),
    ],
)
def test_the_api_refuses_what_it_cannot_answer(
    query: str, status: int, field: str | None, api: Client, staff_headers: Headers
) -> None:
    response = api.get(f"/api/v1/queue?{query}", headers=staff_headers("agent"))
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "detail", "fields"}
    if field:
        assert field in body["fields"]


def test_the_queue_needs_a_token(demo: None, api: Client) -> None:
    assert api.get("/api/v1/queue").status_code == 401
